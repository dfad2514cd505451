using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Vbc.Data;

/// <summary>
/// The plain-row pass: one walk over a row that reads the fields a contract uses in place, for the common row (no
/// quote, the header's number of fields, every value read without a problem). Fields the contract does not read are
/// skipped by their commas, found 64 bytes at a time; money and plain numbers are read from their digits as they are
/// scanned. At the first thing that is not plain the row is read again by the exact path (<c>SplitFields</c> and the
/// per-field parsers), which alone reports problems: a row this pass accepts gets the very values the exact path
/// gives it, and a row it refuses is read as before.
/// </summary>
public sealed partial class CsvMemberReader
{
    /// <summary>A column read from the file, in file order, as the plain-row pass reads it.</summary>
    private readonly record struct PlainField(int Field, int Plan, PlanKind Kind, bool AllowDollar, bool IsId, bool Required);

    private PlainField[] _plainFields = Array.Empty<PlainField>();
    private long _plainRowsRead;

    /// <summary>How many rows the plain-row pass read (the others took the exact path).</summary>
    internal long PlainRowsRead => Interlocked.Read(ref _plainRowsRead);

    private void PlanPlainFields() =>
        _plainFields = _filePlans
            .Select(p => new PlainField(p.Field, p.SpecIndex, p.Kind, p.AllowDollar, p.SpecIndex == _idPlan, p.Required))
            .ToArray();

    /// <summary>
    /// Appends row <paramref name="r"/>'s id to the chunk's id bytes (after <paramref name="idLength"/> bytes) and
    /// hashes it for the duplicate-id check; with claims, which are looked up by id string, its string too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AppendId(ReadOnlySpan<byte> content, int r, ref byte[] idBytes, ref int idLength, ulong[] hashes, string[]? idStrings)
    {
        if (idLength + content.Length > idBytes.Length)
        {
            Array.Resize(ref idBytes, Math.Max(idBytes.Length * 2, idLength + content.Length));
        }
        content.CopyTo(idBytes.AsSpan(idLength));
        idLength += content.Length;
        hashes[r] = IdIndex.Hash(content);
        if (idStrings is not null)
        {
            idStrings[r] = Encoding.UTF8.GetString(content);
        }
    }

    /// <summary>
    /// Reads the row <paramref name="start"/>..<paramref name="end"/> of <paramref name="buffer"/> (its line ending
    /// removed) into row <paramref name="r"/> of the columns, when it is plain; false leaves the row to the exact path
    /// (cells it wrote are written again there; the id bytes are kept only when the row is accepted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadPlainRow(byte[] buffer, int start, int end, int r, NumberCells numbers, bool[][] flags, string[][] texts,
        DateOnly[][] dates, ref byte[] idBytes, ref int idLength, int[] idEnds, ulong[]? hashes, bool stringIds, byte[]?[] lastText,
        string?[] lastString)
    {
        var steps = _plainFields;
        // The comma walk of RowCommas, in locals (kept in registers): the window's offset and its commas not walked.
        int window = start;
        if (!RowCommas.Load(buffer, window, end, out ulong commas))
        {
            return false;
        }
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buffer);
        int field = 0;
        int fieldStart = start;
        int fieldEnd = start;
        int ids = idLength;
        for (int s = 0; s < steps.Length; s++)
        {
            ref readonly PlainField step = ref steps[s];
            while (true)
            {
                while (commas == 0)
                {
                    if (window + 64 >= end)
                    {
                        fieldEnd = end;
                        goto Located;
                    }
                    window += 64;
                    if (!RowCommas.Load(buffer, window, end, out commas))
                    {
                        return false; // a quote
                    }
                }
                fieldEnd = window + BitOperations.TrailingZeroCount(commas);
                commas &= commas - 1;
            Located:
                if (field == step.Field)
                {
                    break;
                }
                if (fieldEnd >= end)
                {
                    return false; // fewer fields than the header has
                }
                fieldStart = fieldEnd + 1;
                field++;
            }
            int p = step.Plan;
            int length = fieldEnd - fieldStart;
            if (step.Kind == PlanKind.Decimal)
            {
                // Money and plain numbers: unsigned digits with an optional point, at most 19 bytes (ParseDecimal's
                // first case, read as the field is scanned).
                if ((uint)(length - 1) < 19u)
                {
                    ulong digits = 0;
                    int i = fieldStart;
                    uint d;
                    while (i < fieldEnd && (d = (uint)(Unsafe.Add(ref data, i) - (byte)'0')) <= 9)
                    {
                        digits = (digits * 10) + d;
                        i++;
                    }
                    if (i == fieldEnd)
                    {
                        numbers.SetDigits(p, r, digits, 0);
                        goto Read;
                    }
                    if (Unsafe.Add(ref data, i) == (byte)'.' && length > 1)
                    {
                        int point = i++;
                        while (i < fieldEnd && (d = (uint)(Unsafe.Add(ref data, i) - (byte)'0')) <= 9)
                        {
                            digits = (digits * 10) + d;
                            i++;
                        }
                        if (i == fieldEnd)
                        {
                            numbers.SetDigits(p, r, digits, fieldEnd - point - 1);
                            goto Read;
                        }
                    }
                }
                // Any other shape ($, a sign, separators, spaces around, more digits): the exact parser on the
                // trimmed text, as the exact path calls it; a problem leaves the row to the exact path.
                if (ValueParsers.ParseDecimal(CsvSyntax.Trim(buffer.AsSpan(fieldStart, length)), step.AllowDollar, out decimal value) != ParseOutcome.Ok)
                {
                    return false;
                }
                numbers.Set(p, r, value);
                goto Read;
            }
            var content = CsvSyntax.Trim(buffer.AsSpan(fieldStart, length));
            switch (step.Kind)
            {
                case PlanKind.Percent or PlanKind.Count or PlanKind.Year or PlanKind.MemberMonths:
                    if (ValueParsers.ParseNumber(step.Kind, content, step.AllowDollar, out decimal number) != ParseOutcome.Ok)
                    {
                        return false;
                    }
                    numbers.Set(p, r, number);
                    break;
                case PlanKind.Flag:
                    if (ValueParsers.ParseFlag(content, out flags[p][r]) != ParseOutcome.Ok)
                    {
                        return false;
                    }
                    break;
                case PlanKind.Date:
                    if (ValueParsers.ParseDate(content, out dates[p][r]) != ParseOutcome.Ok)
                    {
                        return false;
                    }
                    break;
                default:
                    // Text: the parsers above accept only ASCII, so only text needs the UTF-8 check.
                    if ((content.Length == 0 && step.Required) || !Utf8.IsValid(content))
                    {
                        return false;
                    }
                    if (step.IsId)
                    {
                        AppendId(content, r, ref idBytes, ref ids, hashes!, stringIds ? texts[p] : null);
                    }
                    else
                    {
                        texts[p][r] = CachedString(content, ref lastText[p], ref lastString[p]);
                    }
                    break;
            }
        Read:
            if (fieldEnd < end)
            {
                fieldStart = fieldEnd + 1;
                field++;
            }
            else
            {
                field = -1; // the row ends here
            }
        }
        // The rest of the row: its fields counted (the ragged-row check), and no quote in it.
        int fieldCount;
        if (field < 0)
        {
            fieldCount = steps[^1].Field + 1;
        }
        else
        {
            int rest = BitOperations.PopCount(commas);
            while (window + 64 < end)
            {
                window += 64;
                if (!RowCommas.Load(buffer, window, end, out commas))
                {
                    return false;
                }
                rest += BitOperations.PopCount(commas);
            }
            fieldCount = field + 1 + rest;
        }
        if (fieldCount != _fieldCount)
        {
            return false;
        }
        if (_idPlan >= 0)
        {
            idLength = ids;
            idEnds[r] = ids;
        }
        return true;
    }
}
