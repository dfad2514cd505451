using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using Vbc.Diagnostics;
using Vbc.Semantics;

namespace Vbc.Data;

/// <summary>
/// Reads a member-level CSV file (a header row, then one row per member) into typed <see cref="ColumnBatch"/>es for
/// the columns a contract declares. Values are read exactly (decimals from their digits), nothing is coerced or
/// dropped silently, and every problem is a diagnostic naming the file, line, column and text.
/// <code>
/// using var reader = CsvMemberReader.Open(path, specs, options);
/// if (reader.HeaderDiagnostics has errors) ... // missing columns, duplicate headers, not a text file
/// foreach (var batch in reader.ReadBatches()) { ... }   // in file order; parsed in parallel
/// var result = reader.Result;                          // rows, bad rows, diagnostics, ignored columns
/// </code>
/// Memory stays bounded whatever the file size: a few batches are in flight, and the duplicate-id check keeps
/// about 12 bytes per row.
/// </summary>
public sealed partial class CsvMemberReader : IDisposable
{
    private const int HeadProbeBytes = 8192;

    private readonly string _path;
    private readonly string _file;
    private readonly MemberReadOptions _options;
    private readonly Severity _rowSeverity;
    private readonly OpenedFile? _opened;
    private readonly SafeFileHandle? _handle;
    private readonly long _fileLength;
    private readonly List<Diagnostic> _headerDiagnostics = new();
    private readonly List<string> _headerNames = new();
    private readonly List<string> _ignored = new();
    private readonly List<string> _fromClaims = new();
    private ColumnPlan[] _plans = Array.Empty<ColumnPlan>();
    private ColumnPlan[] _filePlans = Array.Empty<ColumnPlan>();
    private int[] _moneyPlans = Array.Empty<int>();
    private ColumnPlan[] _claimsPlans = Array.Empty<ColumnPlan>();
    private int _idPlan = -1;
    private int _fieldCount;
    private long _headerLine = 1;
    private long _dataStart;
    private long _dataStartLine = 2;
    private bool _started;
    private MemberReadResult? _result;

    private CsvMemberReader(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions options, IReadOnlyCollection<string>? requiredText)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(specs);
        if (options.BatchSize is < 1 or > 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be between 1 and 16,777,216.");
        }
        if (options.MaxParallelism < 1 || options.MaxRowBytes < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxParallelism must be at least 1 and MaxRowBytes at least 1024.");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in specs)
        {
            if (!seen.Add(spec.Name.Trim()))
            {
                throw new ArgumentException($"The column '{spec.Name}' is requested twice.", nameof(specs));
            }
            if (spec.IsId && spec.Storage != ColumnStorage.Text)
            {
                throw new ArgumentException($"The id column '{spec.Name}' must be held as text.", nameof(specs));
            }
        }

        _path = path;
        _file = options.DisplayName ?? path;
        _options = options;
        Specs = specs;
        _rowSeverity = options.BadRows == BadRowPolicy.Fail ? Severity.Error : Severity.Warning;
        try
        {
            _opened = DataFile.Open(path);
            _handle = _opened.Handle;
            _fileLength = _opened.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _opened?.Dispose();
            _opened = null;
            _handle = null;
            _headerDiagnostics.Add(GeneralDiagnostics.CannotRead(_file, e.Message));
            return;
        }
        try
        {
            ReadHeader(requiredText);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _headerDiagnostics.Add(GeneralDiagnostics.CannotRead(_file, e.Message));
        }
    }

    /// <summary>Opens a member file and reads its header. Problems are in <see cref="HeaderDiagnostics"/>; this never throws for bad files.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="specs">The columns the contract declares, in the order the batches hold them.</param>
    /// <param name="options">Batch size, bad-row policy, claims; defaults when null.</param>
    public static CsvMemberReader Open(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions? options = null) =>
        new(path, specs, options ?? new MemberReadOptions(), null);

    /// <summary>As <see cref="Open(string, IReadOnlyList{ColumnSpec}, MemberReadOptions?)"/>, with text columns that must not be empty.</summary>
    internal static CsvMemberReader Open(string path, IReadOnlyList<ColumnSpec> specs, MemberReadOptions options, IReadOnlyCollection<string> requiredText) =>
        new(path, specs, options, requiredText);

    /// <summary>The file as named in messages.</summary>
    public string File => _file;

    public IReadOnlyList<ColumnSpec> Specs { get; }

    /// <summary>Problems found on opening (file, encoding, header, missing columns). Any error here means no batch is read.</summary>
    public IReadOnlyList<Diagnostic> HeaderDiagnostics => _headerDiagnostics;

    /// <summary>True when the header is usable and <see cref="ReadBatches"/> will read rows.</summary>
    public bool CanRead => _handle is not null && !_headerDiagnostics.Any(d => d.IsError);

    /// <summary>The header names as written in the file (trimmed), in file order.</summary>
    public IReadOnlyList<string> FileColumns => _headerNames;

    /// <summary>Columns of the file the contract does not use (listed by the statement).</summary>
    public IReadOnlyList<string> IgnoredColumns => _ignored;

    /// <summary>Money columns that will be filled from the claims file.</summary>
    public IReadOnlyList<string> ColumnsFromClaims => _fromClaims;

    /// <summary>What reading found; available once <see cref="ReadBatches"/> has been enumerated (to the end or not).</summary>
    public MemberReadResult Result => _result ?? throw new InvalidOperationException("The result is known once ReadBatches() has been enumerated.");

    /// <summary>Reads every batch, handing each to <paramref name="onBatch"/>, and returns the result.</summary>
    public MemberReadResult ReadAll(Action<ColumnBatch>? onBatch = null)
    {
        foreach (var batch in ReadBatches())
        {
            onBatch?.Invoke(batch);
        }
        return Result;
    }

    public void Dispose() => _opened?.Dispose();

    // -------------------------------------------------------------------------------------------------------------
    // Header.

    private void ReadHeader(IReadOnlyCollection<string>? requiredText)
    {
        var handle = _handle!;
        int want = (int)Math.Min(_fileLength, 64 * 1024);
        byte[] head = new byte[want];
        int got = ReadAt(handle, head, 0);
        int nul = CsvSyntax.FindNul(head.AsSpan(0, Math.Min(got, HeadProbeBytes)));
        if (nul >= 0)
        {
            _headerDiagnostics.Add(DataDiagnostics.NotText(_file, nul));
            return;
        }
        int pos = CsvSyntax.HasUtf8Bom(head.AsSpan(0, got)) ? 3 : 0;
        long line = 1;
        while (true)
        {
            bool final = got >= _fileLength;
            var data = head.AsSpan(0, got);
            bool found = CsvSyntax.FindRowEnd(data, pos, final, out int term, out int newlines, out int openQuote);
            var candidate = data.Slice(pos, (found ? term : got) - pos);
            if (!candidate.IsEmpty && candidate[^1] == CsvSyntax.Cr)
            {
                candidate = candidate[..^1];
            }
            if (CsvSyntax.FindBareCr(candidate) is int cr and >= 0)
            {
                // Lines ended by CR alone: say so once, rather than report one huge header row.
                _headerDiagnostics.Add(DataDiagnostics.CrLineEnds(_file, line, CsvSyntax.CharColumn(candidate, cr)));
                return;
            }
            if (!found && !final)
            {
                if (got - pos >= _options.MaxRowBytes)
                {
                    _headerDiagnostics.Add(DataDiagnostics.RowTooLong(_file, line, 0, _options.MaxRowBytes));
                    return;
                }
                int size = (int)Math.Min(_fileLength, (long)head.Length * 2);
                Array.Resize(ref head, size);
                got += ReadAt(handle, head.AsSpan(got), got);
                continue;
            }
            int end = found ? term : got;
            if (end > pos && data[end - 1] == CsvSyntax.Cr && (found || openQuote < 0))
            {
                end--;
            }
            if (end == pos)
            {
                if (!found)
                {
                    _headerDiagnostics.Add(DataDiagnostics.EmptyFile(_file));
                    return;
                }
                line += 1;
                pos = term + 1;
                continue; // a blank line before the header
            }
            _headerLine = line;
            if (openQuote >= 0)
            {
                _headerDiagnostics.Add(DataDiagnostics.UnclosedQuote(_file, line, CsvSyntax.CharColumn(data.Slice(pos, end - pos), openQuote - pos), 0));
                return;
            }
            ParseHeaderRow(data.Slice(pos, end - pos));
            _dataStart = found ? term + 1 : got;
            _dataStartLine = line + 1 + newlines;
            if (final)
            {
                var rest = data.Slice((int)_dataStart);
                if (rest.IndexOfAnyExcept(CsvSyntax.Cr, CsvSyntax.Lf) < 0)
                {
                    _headerDiagnostics.Add(DataDiagnostics.NoDataRows(_file, _headerLine));
                }
            }
            break;
        }
        // A header without data rows is still checked against the declared columns: both problems are reported.
        var noRows = DataDiagnostics.NoDataRows(_file, _headerLine).Code;
        if (!_headerDiagnostics.Any(d => d.IsError && d.Code != noRows))
        {
            PlanColumns(requiredText);
        }
    }

    private void ParseHeaderRow(ReadOnlySpan<byte> row)
    {
        var fields = new FieldRef[Math.Max(16, row.Length + 1)];
        int count = CsvSyntax.SplitFields(row, fields);
        _fieldCount = count;
        byte[]? scratch = null;
        var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < count; i++)
        {
            ref FieldRef f = ref fields[i];
            int column = CsvSyntax.CharColumn(row, f.RawStart);
            var content = CsvSyntax.Trim(CsvSyntax.Content(row, f, ref scratch));
            string name;
            if (!Utf8.IsValid(content))
            {
                _headerDiagnostics.Add(DataDiagnostics.NotUtf8(_file, _headerLine, column, 0, (i + 1).ToString()));
                name = CsvSyntax.Display(content);
            }
            else
            {
                name = Encoding.UTF8.GetString(content);
            }
            if ((f.Flags & FieldFlags.BadQuote) != 0)
            {
                _headerDiagnostics.Add(DataDiagnostics.BadQuote(_file, _headerLine, column, 0, (i + 1).ToString()));
            }
            _headerNames.Add(name);
            if (name.Length > 0)
            {
                if (positions.TryGetValue(name, out int first))
                {
                    _headerDiagnostics.Add(DataDiagnostics.DuplicateHeader(_file, _headerLine, column, name, first + 1, i + 1));
                }
                else
                {
                    positions.Add(name, i);
                }
            }
        }
    }

    private void PlanColumns(IReadOnlyCollection<string>? requiredText)
    {
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _headerNames.Count; i++)
        {
            if (_headerNames[i].Length > 0)
            {
                byName.TryAdd(_headerNames[i], i);
            }
        }
        var claims = _options.Claims;
        var used = new bool[_headerNames.Count];
        var plans = new List<ColumnPlan>();
        for (int s = 0; s < Specs.Count; s++)
        {
            var spec = Specs[s];
            string name = spec.Name.Trim();
            var plan = ColumnPlan.For(spec, s, requiredText?.Contains(name, StringComparer.OrdinalIgnoreCase) == true);
            int claimsCategory = claims is not null && plan.IsMoney ? claims.CategoryIndex(name) : -1;
            if (byName.TryGetValue(name, out int field))
            {
                if (claimsCategory >= 0 && claims!.ByCategory[claimsCategory].Claims > 0)
                {
                    var total = claims.ByCategory[claimsCategory];
                    _headerDiagnostics.Add(DataDiagnostics.ColumnInBothSources(_file, _headerLine, _headerNames[field], claims.File, total.Claims, total.Dollars));
                }
                plan.Field = field;
                plan.Header = _headerNames[field];
                used[field] = true;
            }
            else if (claimsCategory >= 0)
            {
                plan.ClaimsCategory = claimsCategory;
                _fromClaims.Add(spec.Name);
            }
            else
            {
                var existing = _headerNames.Where(n => n.Length > 0).ToList();
                _headerDiagnostics.Add(DataDiagnostics.MissingColumn(_file, _headerLine, spec.Name, spec.Type.DisplayName,
                    Suggest.Nearest(name, existing), existing, claims is not null && plan.IsMoney));
            }
            if (spec.IsId && _idPlan < 0)
            {
                _idPlan = s;
                plan.Required = true;
            }
            plans.Add(plan);
        }
        for (int i = 0; i < _headerNames.Count; i++)
        {
            if (!used[i])
            {
                _ignored.Add(_headerNames[i].Length > 0 ? _headerNames[i] : $"(column {i + 1})");
            }
        }
        if (_fromClaims.Count > 0 && (_idPlan < 0 || plans[_idPlan].Field < 0))
        {
            _headerDiagnostics.Add(DataDiagnostics.ClaimsNeedId(_file, _headerLine, _fromClaims));
        }
        _plans = plans.ToArray();
        _filePlans = _plans.Where(p => p.Field >= 0).OrderBy(p => p.Field).ToArray();
        _moneyPlans = _plans.Where(p => p.IsMoney).Select(p => p.SpecIndex).ToArray();
        _claimsPlans = _plans.Where(p => p.ClaimsCategory >= 0).ToArray();
        if (_idPlan >= 0 && _plans[_idPlan].Field < 0)
        {
            _idPlan = -1; // reported as missing already
        }
        PlanPlainFields();
    }

    private static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.Slice(total), offset + total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}

/// <summary>How one requested column is read.</summary>
internal sealed class ColumnPlan
{
    public required ColumnSpec Spec { get; init; }
    public required int SpecIndex { get; init; }
    public required PlanKind Kind { get; init; }
    public required bool AllowDollar { get; init; }
    public required bool IsMoney { get; init; }
    public bool Required { get; set; }
    public int Field { get; set; } = -1;
    public int ClaimsCategory { get; set; } = -1;
    public string Header { get; set; } = "";
    public required string TypeName { get; init; }
    public required string Expected { get; init; }
    public string Bounds { get; init; } = "";

    public static ColumnPlan For(ColumnSpec spec, int index, bool required)
    {
        var type = spec.Type;
        bool dollars = type.Kind == ValueKind.Number && type.Dimension.Money != 0;
        bool isMoney = type.Kind == ValueKind.Number && type.Dimension == Dimension.Dollars;
        (PlanKind kind, string expected, string bounds) = type.Kind switch
        {
            ValueKind.Flag => (PlanKind.Flag, "one of 1/0, true/false, yes/no, y/n or t/f", ""),
            ValueKind.Text => (PlanKind.Text, "a text", ""),
            ValueKind.Date => (PlanKind.Date, "a date as YYYY-MM-DD, such as 2024-12-31", ""),
            _ when dollars => (PlanKind.Decimal, "an amount such as 1234.56 or -12.50 (a leading $ and thousands separators, as in \"$1,234.56\", are accepted; exponents are not)", ""),
            _ when type.Dimension == Dimension.Months => (PlanKind.MemberMonths, "a number of member months from 0 to 12, such as 12 or 7.5", "from 0 to 12"),
            _ => type.Flavor switch
            {
                NumberFlavor.Percent => (PlanKind.Percent, "a percentage such as 92% or the fraction 0.92", ""),
                NumberFlavor.Count => (PlanKind.Count, "a whole number of 0 or more, such as 12", "a whole number of 0 or more"),
                NumberFlavor.Year => (PlanKind.Year, "a four-digit year such as 2024", "from 1000 to 9999"),
                _ => (PlanKind.Decimal, "a plain number such as 1234.56, -12.5 or 0.95 (no exponents, no thousands separators)", ""),
            },
        };
        return new ColumnPlan
        {
            Spec = spec,
            SpecIndex = index,
            Kind = kind,
            AllowDollar = dollars,
            IsMoney = isMoney,
            Required = required,
            Header = spec.Name,
            TypeName = spec.IsId ? "id" : type.DisplayName,
            Expected = spec.IsId ? "the member's id" : required ? "a non-empty text" : expected,
            Bounds = bounds,
        };
    }
}

internal enum PlanKind : byte
{
    Decimal,
    Percent,
    Count,
    Year,
    MemberMonths,
    Flag,
    Date,
    Text,
}
