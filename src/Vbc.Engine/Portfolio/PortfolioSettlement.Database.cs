using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Portfolio;

/// <summary>A portfolio whose member-level stage runs in a database (<c>vbc settle --engine duckdb|postgres --inputs</c>).</summary>
public static partial class PortfolioSettlement
{
    /// <summary>
    /// Each organisation's stage from the database: one query grouped by the organisation column per distinct program
    /// (organisations whose inputs give the same member-level program, the common case being all of them, share one
    /// query; an input used per member that differs by organisation gives its organisations a query of their own), then
    /// the settlement stage per organisation as in memory. When the database does not read the data as vbc does, or
    /// finds rows that cannot be computed, the portfolio is settled by vbc's own reader, which names every problem as
    /// the in-memory engine does; if that reader finds none, the run is refused with the database's reason.
    /// </summary>
    private static PortfolioResult InDatabase(BoundContract contract, PortfolioRequest request,
        List<(string Organisation, long Line, SettlementRequest? Request, Diagnostic? Problem)> rows, string? splitColumn, string orgColumn,
        InputsFileResult file, IReadOnlyList<ColumnSpec> specs, Slot?[] slots, SettlementResult?[] results)
    {
        var engine = request.Engine!;
        if (splitColumn is null)
        {
            return Usage($"--engine {engine.Name} settles a portfolio grouped by the organisation column of the data: declare a text column '{orgColumn}' "
                + "in the contract's data block, or settle without --engine.");
        }
        var at = SettlementEngine.ContractLocation(contract);
        var programs = new List<LoweredTable>();
        var programOf = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (slots[i] is not { } slot)
            {
                continue;
            }
            int k = programs.FindIndex(p => p.Program.Equals(slot.Lowered.Program));
            if (k < 0)
            {
                k = programs.Count;
                programs.Add(slot.Lowered);
            }
            programOf[i] = k;
        }
        var column = new IrColumn(splitColumn, contract.Columns.First(c => c.Name.Equals(splitColumn, StringComparison.OrdinalIgnoreCase)).Type);
        var stages = programs.Count == 0
            ? new OrganisationStages(Array.Empty<Diagnostic>(), null, null, null, Array.Empty<IReadOnlyDictionary<string, OrganisationFigures>>())
            : engine.RunByOrganisation(programs, specs, column, at, request.ExcludeBadRows)!;
        if (stages.Failure.Count > 0)
        {
            return new PortfolioResult { Problems = stages.Failure };
        }
        if (stages.ReadByVbc is { } open)
        {
            var source = open();
            using var lifetime = source as IDisposable;
            var own = Settle(contract, request with { Engine = null, Data = source });
            // With --exclude-bad-rows, rows vbc's reader left out are what the database could not read: its run stands.
            bool leftOut = own.UnreadableRows.Count > 0 || own.Entries.Any(e => e.Result.Statement?.Data?.ExcludedRows.Count > 0);
            bool clean = !own.Failed && own.Entries.All(e => e.Result.Succeeded) && !leftOut;
            return clean && stages.WhyNot is { } whyNot ? new PortfolioResult { Problems = new[] { whyNot } } : own;
        }

        // Every organisation of the data, listed or not, with its rows and dollars in scope (from any program's figures).
        var data = stages.Data;
        var everyOrganisation = stages.PerProgram.FirstOrDefault() ?? new Dictionary<string, OrganisationFigures>();
        var listed = rows.Select(r => r.Organisation).ToHashSet(StringComparer.Ordinal);
        bool measuresCost = programs.Count > 0 && programs[0].Program.Cost.Categories.Count > 0;
        for (int i = 0; i < rows.Count; i++)
        {
            if (slots[i] is not { } slot)
            {
                continue;
            }
            string name = $"{data!.Name} (rows where {splitColumn} = {rows[i].Organisation})";
            results[i] = !stages.PerProgram[programOf[i]].TryGetValue(rows[i].Organisation, out var figures) || figures.Rows == 0
                ? WithoutRows(file, orgColumn, rows[i].Organisation, rows[i].Line, data.Name, splitColumn)
                : figures.Problem is { } problem
                    ? new SettlementResult(null, new[] { problem })
                    : SettleOrganisation(contract, rows[i].Request!, slot, figures.Result!, stage => new DataSource(name, data.IgnoredColumns, stage.RowsLeftOut, null), at);
        }

        var unlisted = everyOrganisation.Where(o => !listed.Contains(o.Key))
            .Select(o => new UnsettledOrganisation(o.Key, o.Value.Rows, measuresCost ? o.Value.InputCost : null, o.Value.FirstLine))
            .OrderBy(u => u.FirstLine).ThenBy(u => u.Organisation, StringComparer.Ordinal).ToList();
        var warnings = (data?.RowProblems ?? Array.Empty<Diagnostic>()).Where(d => !d.IsError).ToList();
        warnings.AddRange(UnlistedWarnings(unlisted, data?.Name ?? "", splitColumn, file.File));

        // Every row is in one organisation: settled (its first row of the inputs file settled), failed, or not listed.
        var (settledRows, settledDollars, failedRows, failedDollars, _) = Tally(rows, results,
            listed.Where(everyOrganisation.ContainsKey).Select(o => (o, everyOrganisation[o].Rows, (decimal?)everyOrganisation[o].InputCost)));
        decimal unlistedDollars = unlisted.Sum(u => u.Dollars ?? 0);
        long unlistedRows = unlisted.Sum(u => u.Rows);
        var reconciliation = measuresCost
            ? new PortfolioReconciliation(settledRows + failedRows + unlistedRows, settledDollars + failedDollars + unlistedDollars, settledRows, settledDollars,
                unlistedRows, unlistedDollars, 0, 0m, failedRows, failedDollars)
            : null;
        return new PortfolioResult
        {
            Entries = rows.Select((r, i) => Entry(r.Organisation, r.Line, results[i]!)).ToList(),
            Warnings = warnings,
            Unlisted = unlisted,
            Reconciliation = reconciliation,
        };
    }
}
