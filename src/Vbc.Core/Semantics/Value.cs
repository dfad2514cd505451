namespace Vbc.Semantics;

/// <summary>
/// A value during evaluation: an exact decimal number, a yes/no flag, a text or a date.
/// Numbers are always <see cref="decimal"/>: money is never a binary floating-point number.
/// </summary>
public readonly record struct Value
{
    private readonly object? _other;

    private Value(ValueKind kind, decimal number, object? other)
    {
        Kind = kind;
        Number = number;
        _other = other;
    }

    public ValueKind Kind { get; }

    public decimal Number { get; }

    public bool Flag => Kind == ValueKind.Flag ? Number != 0 : throw new InvalidOperationException($"Not a flag: {Kind}");

    public string Text => _other as string ?? throw new InvalidOperationException($"Not a text: {Kind}");

    public DateOnly Date => _other is DateOnly d ? d : throw new InvalidOperationException($"Not a date: {Kind}");

    public static Value Of(decimal number) => new(ValueKind.Number, number, null);

    public static Value Of(bool flag) => new(ValueKind.Flag, flag ? 1 : 0, null);

    public static Value Of(string text) => new(ValueKind.Text, 0, text);

    public static Value Of(DateOnly date) => new(ValueKind.Date, 0, date);

    public static Value Percentile(decimal rank) => new(ValueKind.Percentile, rank, null);

    public override string ToString() => Kind switch
    {
        ValueKind.Number or ValueKind.Percentile => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValueKind.Flag => Flag ? "yes" : "no",
        ValueKind.Text => Text,
        ValueKind.Date => Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => "(error)",
    };
}
