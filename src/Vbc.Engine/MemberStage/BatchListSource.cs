using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.MemberStage;

/// <summary>
/// Member-level data already in memory as batches: rows built by tests, or a file parsed once and settled many
/// times (the benchmark's "engine alone" figure).
/// </summary>
public sealed class BatchListSource : IMemberSource
{
    private readonly IReadOnlyList<ColumnBatch> _batches;
    private readonly IReadOnlyList<ColumnSpec> _columns;

    public BatchListSource(string name, IReadOnlyList<ColumnSpec> columns, IReadOnlyList<ColumnBatch> batches)
    {
        Name = name;
        _columns = columns;
        _batches = batches;
    }

    public string Name { get; }

    public IReadOnlyList<Diagnostic> RowProblems => Array.Empty<Diagnostic>();

    public IReadOnlyList<ExcludedRow> UnreadableRows => Array.Empty<ExcludedRow>();

    public IReadOnlyList<string> IgnoredColumns => Array.Empty<string>();

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        var missing = columns.Where(c => !_columns.Any(h => h.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The batches lack the columns {string.Join(", ", missing.Select(m => m.Name))}.");
        }
        if (!columns.Select(c => c.Name).SequenceEqual(_columns.Select(c => c.Name), StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The batches' columns must be in the order the contract declares them.");
        }
        return Array.Empty<Diagnostic>();
    }

    public IEnumerable<ColumnBatch> Batches() => _batches;

    /// <summary>Builds batches from rows of typed values (decimal, bool, string, DateOnly), for tests.</summary>
    public static BatchListSource FromRows(BoundContract contract, IEnumerable<IReadOnlyDictionary<string, object>> rows, int batchSize = 1024)
    {
        var specs = contract.Columns.Select(ColumnSpec.From).ToList();
        var batches = new List<ColumnBatch>();
        var pending = new List<IReadOnlyDictionary<string, object>>();
        long first = 1;

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }
            var columns = new Array[specs.Count];
            for (int c = 0; c < specs.Count; c++)
            {
                var spec = specs[c];
                object Get(IReadOnlyDictionary<string, object> row) => row.TryGetValue(spec.Name, out var v)
                    ? v
                    : throw new ArgumentException($"A row has no value for '{spec.Name}'.");
                columns[c] = spec.Storage switch
                {
                    ColumnStorage.Decimal => pending.Select(r => Convert.ToDecimal(Get(r), System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                    ColumnStorage.Flag => pending.Select(r => Get(r) is bool b ? b : Convert.ToInt32(Get(r), System.Globalization.CultureInfo.InvariantCulture) != 0).ToArray(),
                    ColumnStorage.Text => pending.Select(r => Convert.ToString(Get(r), System.Globalization.CultureInfo.InvariantCulture)!).ToArray(),
                    _ => (Array)pending.Select(r => (DateOnly)Get(r)).ToArray(),
                };
            }
            var lines = Enumerable.Range(0, pending.Count).Select(i => first + i + 1).ToArray();
            batches.Add(new ColumnBatch(batches.Count, pending.Count, first, lines, columns));
            first += pending.Count;
            pending.Clear();
        }

        foreach (var row in rows)
        {
            pending.Add(row);
            if (pending.Count == batchSize)
            {
                Flush();
            }
        }
        Flush();
        return new BatchListSource("<rows>", specs, batches);
    }
}
