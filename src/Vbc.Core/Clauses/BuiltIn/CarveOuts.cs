using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// The carve-out rules shared by <c>cost</c> (categories) and <c>capitation</c> (services): each carve-out says which
/// column in scope it is part of; that column is in scope; a carve-out is not itself in scope, not its own category,
/// and appears once. The per-row rule (a carve-out lies between $0 and its category) is the member stage's.
/// </summary>
internal static class CarveOuts
{
    public const string Key = "carve out";

    public static void Check(BoundClause clause, string scopeKey, ClauseCheckContext context)
    {
        var scope = clause.List(scopeKey).OfType<BoundName>().Select(n => n.Symbol).ToList();
        string inScope = string.Join(", ", scope.Select(s => s.Name));
        var seen = new HashSet<Symbol>();
        foreach (var item in clause.CarveOuts(Key))
        {
            string part = item.Part.Symbol.Name;
            if (item.Category is null)
            {
                string example = $"{Key}: {clause.Setting(Key)!.Spec.Example}";
                context.Report(ClauseDiagnostics.CarveOutNeedsCategory(context.Source, item.Span, part, scopeKey, example));
                continue;
            }
            string category = item.Category.Symbol.Name;
            if (!seen.Add(item.Part.Symbol))
            {
                context.Report(ClauseDiagnostics.CarveOutConflict(context.Source, item.Span, $"'{part}' is carved out twice: list each carve-out once."));
            }
            else if (item.Part.Symbol == item.Category.Symbol)
            {
                context.Report(ClauseDiagnostics.CarveOutConflict(context.Source, item.Span,
                    $"'{part}' is carved out from itself: to leave a whole column out of scope, remove it from '{scopeKey}'."));
            }
            else if (scope.Contains(item.Part.Symbol))
            {
                context.Report(ClauseDiagnostics.CarveOutConflict(context.Source, item.Span,
                    $"'{part}' is both in '{scopeKey}' and carved out: its dollars would be counted and subtracted. Remove it from '{scopeKey}' (a carve-out is part of another column in scope)."));
            }
            else if (scope.Count > 0 && !scope.Contains(item.Category.Symbol))
            {
                context.Report(ClauseDiagnostics.CarveOutCategoryNotInScope(context.Source, item.Span, part, category, scopeKey, inScope));
            }
        }
    }

    /// <summary>The carve-outs as the member stage takes them (only those with their category).</summary>
    public static List<CarveOut> Of(BoundClause clause) =>
        clause.CarveOuts(Key)
            .Where(i => i.Category is not null && i.Part.Symbol is ColumnSymbol && i.Category.Symbol is ColumnSymbol)
            .Select(i => new CarveOut((ColumnSymbol)i.Part.Symbol, (ColumnSymbol)i.Category!.Symbol, i.Span))
            .ToList();

    /// <summary>"transplant from inpatient + dialysis from outpatient", for statement formulas.</summary>
    public static string Describe(BoundClause clause) =>
        string.Join(" + ", clause.CarveOuts(Key).Select(i => i.Part.Symbol.Name));

    /// <summary>The carve-outs as bound names, for per-member expressions.</summary>
    public static List<BoundExpression> Names(BoundClause clause) => clause.CarveOuts(Key).Select(i => (BoundExpression)i.Part).ToList();
}
