using System.Diagnostics;
using System.Text;
using Vbc.Data;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cli;

/// <summary>
/// Inputs that cannot be kept as files in tests/cases: a full disk or a closed standard output, standard input and
/// named pipes, /proc files, links to an input given as --out, control characters that would reach a terminal.
/// The stream tests start the real vbc (the vbc.dll beside the tests) under /bin/sh to redirect its streams.
/// </summary>
public class StreamsAndFilesTests
{
    private const string Contract = "contracts/mssp-basic-a.vbc";
    private static readonly string[] Settle = { "settle", Contract, "--data", "seeds/members.csv", "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139" };

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vbc-stream-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''") + "'";

    /// <summary>Runs vbc in its own process through /bin/sh, so that its streams can be redirected; never waits more than a minute.</summary>
    private static (int Exit, string Output, string Error) Shell(string before, IEnumerable<string> args, string after)
    {
        string vbc = Path.Combine(AppContext.BaseDirectory, "vbc.dll");
        string command = $"{before} dotnet {Quote(vbc)} {string.Join(" ", args.Select(Quote))} {after}";
        var start = new ProcessStartInfo("/bin/sh", new[] { "-c", command })
        {
            WorkingDirectory = Golden.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"vbc did not finish within a minute: {command}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    private static void Run(string program, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        Assert.True(p.WaitForExit(10_000), $"{program} did not finish");
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(" ", args)} failed: {p.StandardError.ReadToEnd()}");
    }

    [Fact]
    public void Standard_output_on_a_full_disk_is_a_file_error_for_every_command_that_writes()
    {
        var dir = TempDir();
        var messy = Path.Combine(dir, "messy.vbc");
        File.WriteAllText(messy, "contract   \"Messy\"{\nperiod:2024-01-01 to 2024-12-31}\n");
        var warned = Path.Combine(dir, "warned.vbc");
        File.WriteAllText(warned, "contract \"Warned\" {\n  period: 2024-01-01 to 2024-12-31\n}\n\ninputs {\n  unused_score: percent\n}\n");
        var commands = new[]
        {
            Settle,
            new[] { "check", warned },
            new[] { "fmt", messy },
            new[] { "generate", "members", "--members", "5" },
        };
        foreach (var args in commands)
        {
            var r = Shell("", args, "> /dev/full");
            Assert.True(r.Exit == 2, $"vbc {string.Join(" ", args)} > /dev/full: exit {r.Exit}, {r.Error}");
            Assert.Contains("cannot write to standard output", r.Error);
            Assert.DoesNotContain("internal error", r.Error);
            Assert.DoesNotContain("   at ", r.Error);
        }
    }

    [Fact]
    public void A_closed_standard_output_is_a_file_error()
    {
        var r = Shell("", Settle, ">&-");
        Assert.Equal(2, r.Exit);
        Assert.Contains("cannot write to standard output", r.Error);
        Assert.DoesNotContain("internal error", r.Error);
    }

    private sealed class FailingWriter : StringWriter
    {
        public override void Write(string? value) => throw new IOException("No space left on device");

        public override void Write(char value) => throw new IOException("No space left on device");
    }

    [Fact]
    public void A_failing_output_writer_is_reported_as_exit_2_with_what_to_do()
    {
        var error = new StringWriter { NewLine = "\n" };
        var args = Settle.Select(a => a.Contains('/') ? Golden.PathOf(a.Split('/')) : a).ToArray();
        int code = Vbc.Cli.Program.Run(args, new FailingWriter(), error);
        Assert.Equal(2, code);
        Assert.Equal("vbc: cannot write to standard output: No space left on device. Check that it is open and its disk has space, or write the result to a file with --out FILE.\n",
            error.ToString());
    }

    [Fact]
    public void Data_on_standard_input_is_read_in_one_pass_with_the_same_result_as_the_file()
    {
        var fromFile = CliRunner.Run(Settle);
        Assert.Equal(0, fromFile.ExitCode);
        var args = Settle.Select(a => a == "seeds/members.csv" ? "/dev/stdin" : a);
        var fromStdin = Shell("cat seeds/members.csv |", args, "");
        Assert.True(fromStdin.Exit == 0, fromStdin.Error);
        Assert.Equal(fromFile.Output.Replace("seeds/members.csv", "/dev/stdin"), fromStdin.Output);
    }

    [Fact]
    public async Task A_named_pipe_is_read_once_a_program_writes_to_it()
    {
        var fifo = Path.Combine(TempDir(), "members.fifo");
        Run("mkfifo", fifo);
        var writer = Task.Run(async () =>
        {
            await Task.Delay(300);
            await File.WriteAllBytesAsync(fifo, await File.ReadAllBytesAsync(Golden.PathOf("seeds", "members.csv")));
        });
        var args = Settle.Select(a => a == "seeds/members.csv" ? fifo : a).ToArray();
        var result = await Task.Run(() => CliRunner.Run(args)).WaitAsync(TimeSpan.FromSeconds(60));
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(CliRunner.Run(Settle).Output.Replace("seeds/members.csv", fifo), result.Output);
    }

    [Fact]
    public async Task A_named_pipe_that_no_program_writes_to_is_refused_after_the_wait_never_hangs()
    {
        var fifo = Path.Combine(TempDir(), "nobody.fifo");
        Run("mkfifo", fifo);
        var args = Settle.Select(a => a == "seeds/members.csv" ? fifo : a).ToArray();
        var saved = DataFile.WriterWait;
        DataFile.WriterWait = TimeSpan.FromSeconds(1);
        try
        {
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() => CliRunner.Run(args));
            CliRunner.Result result;
            try
            {
                result = await run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // Release vbc's open so that the test process is not left with a blocked thread, then fail.
                await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
                {
                }
                throw new Xunit.Sdk.XunitException("vbc blocked on a named pipe with no writer");
            }
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("no program opened it for writing within 1 seconds", result.Error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        }
        finally
        {
            DataFile.WriterWait = saved;
        }
    }

    [Fact]
    public void A_proc_file_whose_size_is_zero_is_read_as_a_stream()
    {
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);
        var bytes = DataFile.ReadAllBytes("/proc/self/status");
        Assert.Contains("Pid:", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Out_never_overwrites_an_input_however_it_is_named()
    {
        var dir = TempDir();
        var data = Path.Combine(dir, "members.csv");
        File.Copy(Golden.PathOf("seeds", "members.csv"), data);
        var contract = Path.Combine(dir, "contract.vbc");
        File.Copy(Golden.PathOf("contracts", "mssp-basic-a.vbc"), contract);
        var symlink = Path.Combine(dir, "link.csv");
        File.CreateSymbolicLink(symlink, data);
        var hardlink = Path.Combine(dir, "hard.vbc");
        Run("ln", contract, hardlink);
        byte[] dataBefore = File.ReadAllBytes(data), contractBefore = File.ReadAllBytes(contract);

        foreach (var output in new[] { data, Path.Combine(dir, "..", Path.GetFileName(dir), "members.csv"), symlink, hardlink, contract })
        {
            var r = CliRunner.Run("settle", contract, "--data", data, "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139", "--out", output);
            Assert.True(r.ExitCode == 2, $"--out {output}: exit {r.ExitCode}");
            Assert.Contains("writing the result there would destroy it", r.Error);
        }
        Assert.Equal(dataBefore, File.ReadAllBytes(data));
        Assert.Equal(contractBefore, File.ReadAllBytes(contract));

        // A new file is written as before.
        var fresh = Path.Combine(dir, "statement.txt");
        Assert.Equal(0, CliRunner.Run("settle", contract, "--data", data, "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139", "--out", fresh).ExitCode);
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Control_characters_from_inputs_are_escaped_in_text_and_csv_and_json_stays_valid()
    {
        var dir = TempDir();
        var inputs = Path.Combine(dir, "acos.csv");
        const string name = "\u001b[2J\u001b]0;pwned\u0007ACO";
        File.WriteAllText(inputs,
            "aco_id,benchmark_total,expenditure_total,assigned_beneficiaries,minimum_rate,quality_score,quality_standard_met\n"
            + $"{name},100000000,96500000,9139,3%,90%,1\n"
            + $"B\u001b[31m,100000000,96500000,\u001b[2Jabc,3%,90%,1\n");
        var csv = CliRunner.Run("settle", "contracts/mssp-tracks/basic-a-b.vbc", "--year", "2021", "--inputs", inputs);
        var json = CliRunner.Run("settle", "contracts/mssp-tracks/basic-a-b.vbc", "--year", "2021", "--inputs", inputs, "--format", "json");
        var file = Path.Combine(dir, "out.csv");
        CliRunner.Run("settle", "contracts/mssp-tracks/basic-a-b.vbc", "--year", "2021", "--inputs", inputs, "--out", file);

        foreach (var text in new[] { csv.Output, csv.Error, json.Output, json.Error, File.ReadAllText(file) })
        {
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u0007', text);
        }
        Assert.Contains("\\u001B[2J\\u001B]0;pwned\\u0007ACO,2021,settled", csv.Output);
        Assert.Contains("'\\u001B[2Jabc'", csv.Error); // the bad value in the diagnostic
        using var doc = System.Text.Json.JsonDocument.Parse(json.Output);
        var organisations = doc.RootElement.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("organisation").GetString()).ToList();
        Assert.Equal(new[] { name }, organisations); // JSON keeps the exact value, escaped by its own rules
    }
}
