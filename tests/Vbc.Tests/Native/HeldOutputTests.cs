using Vbc.Cli.Native;

namespace Vbc.Tests.Native;

/// <summary>The native vbc's held output: nothing out until released, both streams in the order written, released past the limit or on a flush.</summary>
public class HeldOutputTests
{
    [Fact]
    public void Nothing_is_written_until_released_then_both_streams_in_the_order_written()
    {
        var both = new StringWriter { NewLine = "\n" };
        var held = new HeldOutput(both, both);
        held.Out.WriteLine("a.vbc(1,1): error VBC2001: first");
        held.Error.WriteLine("progress");
        held.Out.Write('x');
        held.Out.Write("yz".AsSpan());
        Assert.Equal("", both.ToString());
        Assert.False(held.Released);
        held.Release();
        Assert.True(held.Released);
        Assert.Equal("a.vbc(1,1): error VBC2001: first\nprogress\nxyz", both.ToString());
        held.Error.Write("!");
        Assert.EndsWith("xyz!", both.ToString());
    }

    [Fact]
    public void Discarded_output_is_never_written()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var held = new HeldOutput(output, error);
        held.Out.Write("statement");
        held.Error.Write("warning");
        held.Discard();
        held.Release();
        Assert.Equal("", output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Large_output_and_a_flush_are_released_at_once()
    {
        var output = new StringWriter();
        var held = new HeldOutput(output, new StringWriter());
        held.Out.Write(new string('-', HeldOutput.Limit));
        Assert.False(held.Released);
        held.Out.Write("+");
        Assert.True(held.Released);
        Assert.Equal(HeldOutput.Limit + 1, output.ToString().Length);

        var flushed = new StringWriter();
        var other = new HeldOutput(flushed, new StringWriter());
        other.Out.Write("before raw bytes");
        other.Out.Flush();
        Assert.True(other.Released);
        Assert.Equal("before raw bytes", flushed.ToString());
    }
}
