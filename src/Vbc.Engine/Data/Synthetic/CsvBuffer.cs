namespace Vbc.Data.Synthetic;

/// <summary>
/// A growable buffer of UTF-8 (here: ASCII) CSV text. Numbers are written digit by digit from integers, never through
/// <see cref="double.ToString()"/>, so the text is the same everywhere. Callers reserve room for a whole row with
/// <see cref="Reserve"/> and then append without further checks.
/// </summary>
internal sealed class CsvBuffer
{
    private byte[] _data;
    private readonly byte[] _digits = new byte[20];

    public CsvBuffer(int capacity) => _data = new byte[Math.Max(capacity, 256)];

    public byte[] Data => _data;

    public int Length { get; private set; }

    public void Clear() => Length = 0;

    /// <summary>Makes sure <paramref name="bytes"/> more bytes fit.</summary>
    public void Reserve(int bytes)
    {
        if (Length + bytes > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + bytes));
        }
    }

    public void Comma() => _data[Length++] = (byte)',';

    public void NewLine() => _data[Length++] = (byte)'\n';

    public void Char(char c) => _data[Length++] = (byte)c;

    /// <summary>Appends ASCII text.</summary>
    public void Text(string ascii)
    {
        foreach (char c in ascii)
        {
            _data[Length++] = (byte)c;
        }
    }

    /// <summary>A flag as 1 or 0.</summary>
    public void Flag(bool value) => _data[Length++] = value ? (byte)'1' : (byte)'0';

    /// <summary>A whole number in decimal.</summary>
    public void Integer(long value) => Padded(value, 1);

    /// <summary>A whole number, left-padded with zeros to at least <paramref name="width"/> digits.</summary>
    public void Padded(long value, int width)
    {
        ulong magnitude;
        if (value < 0)
        {
            _data[Length++] = (byte)'-';
            magnitude = (ulong)(-(value + 1)) + 1UL;
        }
        else
        {
            magnitude = (ulong)value;
        }
        int n = 0;
        do
        {
            _digits[n++] = (byte)('0' + (int)(magnitude % 10));
            magnitude /= 10;
        }
        while (magnitude != 0);
        for (int i = n; i < width; i++)
        {
            _data[Length++] = (byte)'0';
        }
        while (n > 0)
        {
            _data[Length++] = _digits[--n];
        }
    }

    /// <summary>
    /// A fixed-point number given as an integer count of units of 10^-<paramref name="decimals"/>:
    /// Fixed(123405, 2) writes 1234.05, Fixed(-7, 2) writes -0.07.
    /// </summary>
    public void Fixed(long scaled, int decimals)
    {
        long unit = 1;
        for (int i = 0; i < decimals; i++)
        {
            unit *= 10;
        }
        if (scaled < 0)
        {
            _data[Length++] = (byte)'-';
            scaled = -scaled;
        }
        Padded(scaled / unit, 1);
        _data[Length++] = (byte)'.';
        Padded(scaled % unit, decimals);
    }

    /// <summary>Dollars to whole cents, half away from zero: the only way a sampled double becomes money.</summary>
    public static long Cents(double dollars) => (long)Math.Round(dollars * 100.0, MidpointRounding.AwayFromZero);

    /// <summary>A date as YYYY-MM-DD.</summary>
    public void Date(DateOnly date)
    {
        Padded(date.Year, 4);
        Char('-');
        Padded(date.Month, 2);
        Char('-');
        Padded(date.Day, 2);
    }
}
