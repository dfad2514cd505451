using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Vbc.Data;

/// <summary>What the tokenizer saw in one field.</summary>
[Flags]
internal enum FieldFlags : byte
{
    None = 0,
    /// <summary>The field was between double quotes; Start/End exclude them.</summary>
    Quoted = 1,
    /// <summary>The quoted field holds doubled quotes that must be unescaped.</summary>
    Escaped = 2,
    /// <summary>A quote inside an unquoted field, or text after a closing quote.</summary>
    BadQuote = 4,
    /// <summary>The quoted field is not closed before the end of the row (only at the end of the file).</summary>
    Unclosed = 8,
}

/// <summary>One field of a row: byte offsets relative to the row start, content only.</summary>
internal struct FieldRef
{
    public int Start;
    public int End;
    /// <summary>Offset of the field's first byte (its opening quote, if quoted), for the column in messages.</summary>
    public int RawStart;
    public FieldFlags Flags;
}

/// <summary>
/// RFC 4180 as read by vbc, on UTF-8 bytes. Rows end at a line feed outside quotes (a carriage return before it
/// is dropped). A double quote opens a quoted value only at the start of a field; inside, two quotes stand for
/// one. A quote anywhere else is kept as text and flagged. The row scanner and the field tokenizer follow the
/// same rules, so row boundaries never depend on which stage looked.
/// </summary>
internal static class CsvSyntax
{
    public const byte Quote = (byte)'"';
    public const byte Comma = (byte)',';
    public const byte Lf = (byte)'\n';
    public const byte Cr = (byte)'\r';

    /// <summary>
    /// The offset of a carriage return outside quotes in a row (its line ending already removed), or -1. In a header
    /// row it means the file ends its lines with CR alone, which this reader does not split on.
    /// </summary>
    public static int FindBareCr(ReadOnlySpan<byte> row)
    {
        bool quoted = false;
        for (int i = 0; i < row.Length; i++)
        {
            if (row[i] == Quote)
            {
                quoted = !quoted;
            }
            else if (row[i] == Cr && !quoted)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Finds the line feed that ends the row starting at <paramref name="start"/>.
    /// Returns false when the data ends first: more bytes are needed, or (when <paramref name="isFinal"/>) the row
    /// runs to the end of the file; then <paramref name="openQuote"/> is the offset of a quote left open, or -1.
    /// <paramref name="embeddedNewlines"/> counts the line feeds inside quoted values, for line numbers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool FindRowEnd(ReadOnlySpan<byte> data, int start, bool isFinal, out int terminator, out int embeddedNewlines, out int openQuote)
    {
        int i = start;
        int newlines = 0;
        openQuote = -1;
        while (true)
        {
            int rel = data.Slice(i).IndexOfAny(Quote, Lf);
            if (rel < 0)
            {
                break;
            }
            int k = i + rel;
            if (data[k] == Lf)
            {
                terminator = k;
                embeddedNewlines = newlines;
                return true;
            }
            if (k != start && data[k - 1] != Comma)
            {
                // A stray quote inside an unquoted field: text, flagged by the tokenizer.
                i = k + 1;
                continue;
            }
            // An opening quote: find the closing one, stepping over doubled quotes.
            int m = k + 1;
            bool closed = false;
            while (true)
            {
                int q = data.Slice(m).IndexOf(Quote);
                if (q < 0)
                {
                    newlines += data.Slice(m).Count(Lf);
                    break;
                }
                newlines += data.Slice(m, q).Count(Lf);
                m += q;
                if (m + 1 < data.Length)
                {
                    if (data[m + 1] == Quote)
                    {
                        m += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                // The quote is the last byte we have: a closing quote only if the file ends here.
                closed = isFinal;
                break;
            }
            if (!closed)
            {
                openQuote = k;
                terminator = -1;
                embeddedNewlines = newlines;
                return false;
            }
            i = m + 1;
        }
        terminator = -1;
        embeddedNewlines = newlines;
        return false;
    }

    /// <summary>
    /// Splits a row (without its line ending) into fields. Stores at most <c>fields.Length</c> of them and returns
    /// how many there are in all: past the last field stored, commas are only counted (a reader passes room for the
    /// fields it reads; the rest of the row matters only for the ragged-row check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SplitFields(ReadOnlySpan<byte> row, Span<FieldRef> fields)
    {
        // Fast path for rows without quotes: comma positions from a vector compare, 32 or 16 bytes at a time.
        int len = row.Length;
        int n = 0;
        int start = 0;
        int i = 0;
        ref byte first = ref MemoryMarshal.GetReference(row);
        if (Vector256.IsHardwareAccelerated)
        {
            var commas = Vector256.Create(Comma);
            var quotes = Vector256.Create(Quote);
            for (; i + 32 <= len; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref first, (nuint)i);
                if (Vector256.EqualsAny(v, quotes))
                {
                    return SplitQuoted(row, fields);
                }
                uint mask = Vector256.Equals(v, commas).ExtractMostSignificantBits();
                if (n >= fields.Length)
                {
                    n += BitOperations.PopCount(mask);
                    continue;
                }
                while (mask != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(mask);
                    Store(fields, n++, start, at);
                    start = at + 1;
                    mask &= mask - 1;
                }
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var commas = Vector128.Create(Comma);
            var quotes = Vector128.Create(Quote);
            for (; i + 16 <= len; i += 16)
            {
                var v = Vector128.LoadUnsafe(ref first, (nuint)i);
                if (Vector128.EqualsAny(v, quotes))
                {
                    return SplitQuoted(row, fields);
                }
                uint mask = Vector128.Equals(v, commas).ExtractMostSignificantBits();
                if (n >= fields.Length)
                {
                    n += BitOperations.PopCount(mask);
                    continue;
                }
                while (mask != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(mask);
                    Store(fields, n++, start, at);
                    start = at + 1;
                    mask &= mask - 1;
                }
            }
        }
        for (; i < len; i++)
        {
            byte b = Unsafe.Add(ref first, i);
            if (b == Comma)
            {
                Store(fields, n++, start, i);
                start = i + 1;
            }
            else if (b == Quote)
            {
                return SplitQuoted(row, fields);
            }
        }
        Store(fields, n++, start, len);
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Span<FieldRef> fields, int n, int start, int end)
    {
        if ((uint)n < (uint)fields.Length)
        {
            ref FieldRef f = ref fields[n];
            f.Start = start;
            f.End = end;
            f.RawStart = start;
            f.Flags = FieldFlags.None;
        }
    }

    private static int SplitQuoted(ReadOnlySpan<byte> row, Span<FieldRef> fields)
    {
        int len = row.Length;
        int n = 0;
        int p = 0;
        while (true)
        {
            int start, end;
            int rawStart = p;
            FieldFlags flags = FieldFlags.None;
            if (p < len && row[p] == Quote)
            {
                flags = FieldFlags.Quoted;
                int m = p + 1;
                bool closed = false;
                while (true)
                {
                    int q = row.Slice(m).IndexOf(Quote);
                    if (q < 0)
                    {
                        break;
                    }
                    m += q;
                    if (m + 1 < len && row[m + 1] == Quote)
                    {
                        flags |= FieldFlags.Escaped;
                        m += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                start = p + 1;
                if (!closed)
                {
                    flags |= FieldFlags.Unclosed;
                    end = len;
                    p = len;
                }
                else
                {
                    end = m;
                    p = m + 1;
                    if (p < len && row[p] != Comma)
                    {
                        flags |= FieldFlags.BadQuote;
                        int c = row.Slice(p).IndexOf(Comma);
                        p = c < 0 ? len : p + c;
                        end = p;
                    }
                }
            }
            else
            {
                int c = row.Slice(p).IndexOf(Comma);
                int e = c < 0 ? len : p + c;
                if (row.Slice(p, e - p).Contains(Quote))
                {
                    flags |= FieldFlags.BadQuote;
                }
                start = p;
                end = e;
                p = e;
            }
            if (n < fields.Length)
            {
                ref FieldRef f = ref fields[n];
                f.Start = start;
                f.End = end;
                f.RawStart = rawStart;
                f.Flags = flags;
            }
            n++;
            if (p >= len)
            {
                return n;
            }
            p++; // the comma
        }
    }

    /// <summary>The content of a field: unescaped when it holds doubled quotes (into <paramref name="scratch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Content(ReadOnlySpan<byte> row, in FieldRef field, ref byte[]? scratch)
    {
        var raw = row.Slice(field.Start, field.End - field.Start);
        return (field.Flags & FieldFlags.Escaped) == 0 ? raw : Unescape(raw, ref scratch);
    }

    private static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> raw, ref byte[]? scratch)
    {
        if (scratch is null || scratch.Length < raw.Length)
        {
            scratch = new byte[Math.Max(raw.Length, 256)];
        }
        int w = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            scratch[w++] = b;
            if (b == Quote && i + 1 < raw.Length && raw[i + 1] == Quote)
            {
                i++;
            }
        }
        return scratch.AsSpan(0, w);
    }

    /// <summary>Without spaces and tabs at either end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || (s[0] > (byte)' ' && s[^1] > (byte)' '))
        {
            return s;
        }
        return TrimSlow(s);
    }

    private static ReadOnlySpan<byte> TrimSlow(ReadOnlySpan<byte> s)
    {
        int a = 0;
        int b = s.Length;
        while (a < b && (s[a] == (byte)' ' || s[a] == (byte)'\t'))
        {
            a++;
        }
        while (b > a && (s[b - 1] == (byte)' ' || s[b - 1] == (byte)'\t'))
        {
            b--;
        }
        return s.Slice(a, b - a);
    }

    /// <summary>The 1-based character column of a byte offset in a row (UTF-8 lead bytes counted).</summary>
    public static int CharColumn(ReadOnlySpan<byte> row, int offset)
    {
        offset = Math.Clamp(offset, 0, row.Length);
        int chars = 0;
        foreach (byte b in row.Slice(0, offset))
        {
            if ((b & 0xC0) != 0x80)
            {
                chars++;
            }
        }
        return chars + 1;
    }

    /// <summary>Text for a message: decoded leniently (invalid bytes become U+FFFD).</summary>
    public static string Display(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Whether the bytes hold a zero byte; the offset of the first one.</summary>
    public static int FindNul(ReadOnlySpan<byte> bytes) => bytes.IndexOf((byte)0);

    public static bool HasUtf8Bom(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
}

/// <summary>
/// The commas of one row, found 64 bytes at a time with vector compares (16 bytes a compare where 32 is not
/// accelerated, as in the native build), and the quotes, which end the plain-row pass. Bytes past the row's end
/// are loaded when the buffer holds them and masked off.
/// </summary>
internal ref struct RowCommas
{
    private const int Window = 64;
    private readonly byte[] _buffer;
    private readonly int _end;
    private int _window;
    private ulong _commas;

    public RowCommas(byte[] buffer, int end)
    {
        _buffer = buffer;
        _end = end;
        _window = 0;
        _commas = 0;
    }

    /// <summary>Loads the first window; false when it holds a quote.</summary>
    public bool Start(int start)
    {
        _window = start;
        return Load();
    }

    /// <summary>The offset of the next comma, or the row's end when no comma is left; false at a quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out int at)
    {
        while (_commas == 0)
        {
            if (_window + Window >= _end)
            {
                at = _end;
                return true;
            }
            _window += Window;
            if (!Load())
            {
                at = 0;
                return false;
            }
        }
        at = _window + BitOperations.TrailingZeroCount(_commas);
        _commas &= _commas - 1;
        return true;
    }

    /// <summary>The commas not yet walked; false when a quote follows.</summary>
    public bool CountRest(out int count)
    {
        count = BitOperations.PopCount(_commas);
        while (_window + Window < _end)
        {
            _window += Window;
            if (!Load())
            {
                return false;
            }
            count += BitOperations.PopCount(_commas);
        }
        _commas = 0;
        return true;
    }

    private bool Load() => Load(_buffer, _window, _end, out _commas);

    /// <summary>
    /// The commas of the 64 bytes from <paramref name="window"/> that lie before <paramref name="end"/>, as bits;
    /// false when those bytes hold a quote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Load(byte[] buffer, int window, int end, out ulong found)
    {
        int left = end - window;
        ulong commas;
        ulong quotes;
        if (Vector128.IsHardwareAccelerated && window <= buffer.Length - Window)
        {
            ref byte at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), window);
            if (Vector256.IsHardwareAccelerated)
            {
                var a = Vector256.LoadUnsafe(ref at);
                var b = Vector256.LoadUnsafe(ref at, 32);
                var comma = Vector256.Create(CsvSyntax.Comma);
                var quote = Vector256.Create(CsvSyntax.Quote);
                commas = Vector256.Equals(a, comma).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(b, comma).ExtractMostSignificantBits() << 32);
                quotes = (Vector256.Equals(a, quote) | Vector256.Equals(b, quote)) == Vector256<byte>.Zero
                    ? 0
                    : Vector256.Equals(a, quote).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(b, quote).ExtractMostSignificantBits() << 32);
            }
            else
            {
                var a = Vector128.LoadUnsafe(ref at);
                var b = Vector128.LoadUnsafe(ref at, 16);
                var c = Vector128.LoadUnsafe(ref at, 32);
                var d = Vector128.LoadUnsafe(ref at, 48);
                var comma = Vector128.Create(CsvSyntax.Comma);
                var quote = Vector128.Create(CsvSyntax.Quote);
                commas = Vector128.Equals(a, comma).ExtractMostSignificantBits()
                    | ((ulong)Vector128.Equals(b, comma).ExtractMostSignificantBits() << 16)
                    | ((ulong)Vector128.Equals(c, comma).ExtractMostSignificantBits() << 32)
                    | ((ulong)Vector128.Equals(d, comma).ExtractMostSignificantBits() << 48);
                quotes = (Vector128.Equals(a, quote) | Vector128.Equals(b, quote) | Vector128.Equals(c, quote) | Vector128.Equals(d, quote)) == Vector128<byte>.Zero
                    ? 0
                    : Vector128.Equals(a, quote).ExtractMostSignificantBits()
                        | ((ulong)Vector128.Equals(b, quote).ExtractMostSignificantBits() << 16)
                        | ((ulong)Vector128.Equals(c, quote).ExtractMostSignificantBits() << 32)
                        | ((ulong)Vector128.Equals(d, quote).ExtractMostSignificantBits() << 48);
            }
        }
        else
        {
            // Near the buffer's end (or without vectors): byte by byte.
            commas = 0;
            quotes = 0;
            int n = Math.Min(left, Window);
            for (int i = 0; i < n; i++)
            {
                byte b = buffer[window + i];
                if (b == CsvSyntax.Comma)
                {
                    commas |= 1UL << i;
                }
                else if (b == CsvSyntax.Quote)
                {
                    quotes |= 1UL << i;
                }
            }
        }
        if (left < Window)
        {
            ulong inRow = (1UL << left) - 1;
            commas &= inRow;
            quotes &= inRow;
        }
        found = commas;
        return quotes == 0;
    }
}
