using System.Text;

namespace Vbc.Cli.Native;

/// <summary>
/// What the native vbc writes, held back until the command ends, so that a command it hands over to the managed vbc
/// (<see cref="ManagedVbc"/>) part way through (a contract with plug-ins, met after others were checked) shows
/// only the managed vbc's output, as if it had run alone. Standard output and standard error are kept in one list,
/// in the order written, so that a terminal showing both sees them interleaved as written. Past
/// <see cref="Limit"/> characters (large output, such as generated data), or on an explicit flush, the text is
/// released and later writes go straight through; a hand-over after that is refused (<see cref="Released"/>).
/// </summary>
internal sealed class HeldOutput
{
    /// <summary>Characters held at most: a statement or the diagnostics of many contracts fit many times over.</summary>
    public const int Limit = 4 << 20;

    private readonly List<(bool IsError, string Text)> _held = new();
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private int _length;

    public HeldOutput(TextWriter output, TextWriter error)
    {
        _out = output;
        _error = error;
        Out = new Writer(this, isError: false, output);
        Error = new Writer(this, isError: true, error);
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True once anything has been written through: the command can no longer be handed over unseen.</summary>
    public bool Released { get; private set; }

    /// <summary>Writes what is held, in order, and lets later writes through.</summary>
    public void Release()
    {
        if (!Released)
        {
            Released = true;
            foreach (var (isError, text) in _held)
            {
                (isError ? _error : _out).Write(text);
            }
            _held.Clear();
        }
        _out.Flush();
        _error.Flush();
    }

    /// <summary>Forgets what is held: the command is handed over and its output will be the managed vbc's.</summary>
    public void Discard()
    {
        _held.Clear();
        _length = 0;
    }

    private void Add(bool isError, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        if (Released)
        {
            (isError ? _error : _out).Write(text);
            return;
        }
        _held.Add((isError, text));
        _length += text.Length;
        if (_length > Limit)
        {
            Release();
        }
    }

    private sealed class Writer(HeldOutput owner, bool isError, TextWriter target) : TextWriter
    {
        public override Encoding Encoding => target.Encoding;

        public override void Write(char value) => owner.Add(isError, value.ToString());

        public override void Write(string? value) => owner.Add(isError, value);

        public override void Write(char[] buffer, int index, int count) => owner.Add(isError, new string(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer) => owner.Add(isError, buffer.ToString());

        public override void WriteLine(string? value) => owner.Add(isError, value + NewLine);

        public override void WriteLine() => owner.Add(isError, NewLine);

        /// <summary>A command flushes before it writes to the stream directly (vbc generate to standard output): release.</summary>
        public override void Flush() => owner.Release();
    }
}
