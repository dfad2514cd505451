using System.Text;

namespace Vbc.Text;

/// <summary>A span of text: a start offset and a length, in UTF-16 code units.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    public TextSpan Union(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    public override string ToString() => $"[{Start}..{End})";
}

/// <summary>A 1-based line and column, as editors and MSBuild-style messages show them.</summary>
public readonly record struct LinePosition(int Line, int Column)
{
    public override string ToString() => $"{Line},{Column}";
}

/// <summary>The text of one contract file, with its path and the offsets where its lines start.</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        _lineStarts = ComputeLineStarts(text);
        _linesWithPairs = LinesWithSurrogatePairs(text, _lineStarts);
    }

    // Lines holding a character outside the BMP (an emoji: two UTF-16 code units); only there do columns need counting.
    private readonly HashSet<int> _linesWithPairs;

    /// <summary>The path as the user gave it; used in every message about this file.</summary>
    public string Path { get; }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>
    /// The SHA-256 (lower-case hex) of the bytes the text was read from, when it was read from a file: statements
    /// record it so the other party can check they hold the same contract, without a second read of the file.
    /// </summary>
    public string? Sha256 { get; private init; }

    public static SourceText From(string text, string path = "<text>") => new(path, text);

    /// <summary>
    /// Reads a contract file as strict UTF-8. A file that is binary or not UTF-8 gives a diagnostic instead of text,
    /// so the parser never sees garbage decoded into replacement characters.
    /// </summary>
    public static SourceText FromBytes(byte[] bytes, string path, out Diagnostics.Diagnostic? problem)
    {
        problem = null;
        int nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            var (line, column) = PositionOfByte(bytes, nul);
            problem = Diagnostics.SyntaxDiagnostics.NotText(path, line, column, nul);
            return new SourceText(path, "");
        }

        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var text = decoder.GetString(bytes);
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text[1..];
            }
            return new SourceText(path, text) { Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) };
        }
        catch (DecoderFallbackException e)
        {
            int offset = e.Index >= 0 ? FindInvalidUtf8(bytes) : 0;
            var (line, column) = PositionOfByte(bytes, offset);
            problem = Diagnostics.SyntaxDiagnostics.NotUtf8(path, line, column, offset);
            return new SourceText(path, "");
        }
    }

    public LinePosition GetPosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }
        int start = _lineStarts[line];
        int column = offset - start + 1;
        if (_linesWithPairs.Contains(line))
        {
            // A column counts characters, as an editor does: a surrogate pair is one character.
            for (int i = start + 1; i < offset; i++)
            {
                if (char.IsLowSurrogate(Text[i]) && char.IsHighSurrogate(Text[i - 1]))
                {
                    column--;
                }
            }
        }
        return new LinePosition(line + 1, column);
    }

    private static HashSet<int> LinesWithSurrogatePairs(string text, int[] lineStarts)
    {
        var lines = new HashSet<int>();
        int line = 0;
        for (int i = 1; i < text.Length; i++)
        {
            while (line + 1 < lineStarts.Length && lineStarts[line + 1] <= i)
            {
                line++;
            }
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>The offset of a 1-based line and column, clamped into the text (editors send positions past a line's end).</summary>
    public int GetOffset(int line, int column)
    {
        if (line < 1)
        {
            return 0;
        }
        if (line > _lineStarts.Length)
        {
            return Text.Length;
        }
        int start = _lineStarts[line - 1];
        int end = start + GetLineText(line).Length;
        return Math.Clamp(start + column - 1, start, end);
    }

    /// <summary>The text of a 1-based line, without its line break.</summary>
    public string GetLineText(int line)
    {
        int start = _lineStarts[line - 1];
        int end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\r', '\n');
    }

    public string GetText(TextSpan span)
    {
        int start = Math.Clamp(span.Start, 0, Text.Length);
        int end = Math.Clamp(span.End, start, Text.Length);
        return Text[start..end];
    }

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }
        return starts.ToArray();
    }

    private static (int Line, int Column) PositionOfByte(byte[] bytes, int index)
    {
        int line = 1, column = 1;
        for (int i = 0; i < index && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((bytes[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return (line, column);
    }

    private static int FindInvalidUtf8(byte[] bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            int extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
            if (extra < 0)
            {
                return i;
            }
            for (int k = 1; k <= extra; k++)
            {
                if (i + k >= bytes.Length || (bytes[i + k] & 0xC0) != 0x80)
                {
                    return i;
                }
            }
            i += extra + 1;
        }
        return 0;
    }
}
