using System.Runtime.CompilerServices;
using Vbc.Evaluation;

namespace Vbc.Data;

/// <summary>
/// The number columns of one chunk of rows as a reader parses them. A column is held as 64-bit units of one scale
/// while every value stored in it has that scale and fits (money written <c>d.dd</c> in every cell: 8 bytes a value
/// instead of 16, summed as integers downstream); at the first value that does not, the units so far become decimals
/// and the column stays decimal for the rest of the chunk (<see cref="ColumnBatch.TryGetUnits"/>).
/// </summary>
internal sealed class NumberCells
{
    private const int NoValueYet = -2;
    private const int AsDecimals = -1;

    private readonly long[]?[] _units;
    private readonly decimal[]?[] _decimals;
    private readonly int[] _scales;
    private readonly int _count;

    public NumberCells(int columns, int count)
    {
        _units = new long[columns][];
        _decimals = new decimal[columns][];
        _scales = new int[columns];
        _count = count;
    }

    /// <summary>Column <paramref name="p"/> is a number column of the chunk (a recycled long[] of the chunk's length is reused).</summary>
    public void Start(int p, Array? recycled)
    {
        _units[p] = recycled is long[] units && units.Length == _count ? units : GC.AllocateUninitializedArray<long>(_count);
        _scales[p] = NoValueYet;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int p, int r, decimal value)
    {
        int scale = _scales[p];
        if (scale != AsDecimals && Exact.TryGetUnits(value, out long units, out int s) && (s == scale || scale == NoValueYet))
        {
            _scales[p] = s;
            _units[p]![r] = units;
            return;
        }
        SetDecimal(p, r, value);
    }

    /// <summary>
    /// Stores a number read as unsigned digits and a scale (<c>1234.56</c>: 123456 and 2), as the plain-row pass reads
    /// money, without making a decimal while the column is held as units: the value <see cref="Set"/> would store for
    /// the decimal <see cref="ValueParsers.ParseDecimal"/> gives for the same text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetDigits(int p, int r, ulong digits, int scale)
    {
        int current = _scales[p];
        if (digits <= long.MaxValue && (current == scale || current == NoValueYet))
        {
            _scales[p] = scale;
            _units[p]![r] = (long)digits;
            return;
        }
        SetDecimal(p, r, new decimal((int)(uint)digits, (int)(uint)(digits >> 32), 0, false, (byte)scale));
    }

    /// <summary>Stores a value the parser read (<see cref="ParseOutcome.Ok"/>); a value it refused is left to be cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetIf(ParseOutcome outcome, int p, int r, decimal value)
    {
        if (outcome == ParseOutcome.Ok)
        {
            Set(p, r, value);
        }
    }

    private void SetDecimal(int p, int r, decimal value)
    {
        if (_scales[p] != AsDecimals)
        {
            // Every row before r was stored (or cleared) in order; rows after it are stored as decimals from here.
            var units = _units[p]!;
            int scale = Math.Max(0, _scales[p]);
            var decimals = GC.AllocateUninitializedArray<decimal>(_count);
            for (int i = 0; i < r; i++)
            {
                decimals[i] = ColumnBatch.FromUnits(units[i], scale);
            }
            _decimals[p] = decimals;
            _units[p] = null;
            _scales[p] = AsDecimals;
        }
        _decimals[p]![r] = value;
    }

    /// <summary>A neutral value in a cell of a row that will not be delivered (it does not fix the column's scale).</summary>
    public void Clear(int p, int r)
    {
        if (_scales[p] == AsDecimals)
        {
            _decimals[p]![r] = 0m;
        }
        else
        {
            _units[p]![r] = 0;
        }
    }

    public decimal Get(int p, int r) =>
        _scales[p] == AsDecimals ? _decimals[p]![r] : ColumnBatch.FromUnits(_units[p]![r], Math.Max(0, _scales[p]));

    /// <summary>Puts each number column's array in <paramref name="columns"/>; returns the scales of those held as units.</summary>
    public int[]? Finish(Array[] columns)
    {
        int[]? scales = null;
        for (int p = 0; p < columns.Length; p++)
        {
            if (_decimals[p] is { } decimals)
            {
                columns[p] = decimals;
            }
            else if (_units[p] is { } units)
            {
                columns[p] = units;
                if (scales is null)
                {
                    scales = new int[columns.Length];
                    Array.Fill(scales, -1);
                }
                scales[p] = Math.Max(0, _scales[p]);
            }
        }
        return scales;
    }
}
