using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.Authoring;

/// <summary>
/// Binds a plug-in's per-member expressions (<see cref="PerMember"/>) in a contract, when the contract is checked: each
/// becomes the contract language's syntax and goes through the binder as a setting's formula does (names, units,
/// per-member or total), so the member-level stage, its IR and every backend see an ordinary expression.
/// </summary>
internal static class MemberNeeds
{
    public static void Bind(PluginClause kind, BoundClause clause, ClauseCheckContext context)
    {
        if (context.BindInContract is not { } bind)
        {
            return;
        }
        var at = clause.Syntax.Header.Span;
        foreach (var sum in kind.Sums.Where(s => s.Of is null))
        {
            var settings = sum.Expression.Settings().Concat(sum.Where?.Settings() ?? Enumerable.Empty<SettingDeclaration>())
                .Concat(sum.By?.Settings() ?? Enumerable.Empty<SettingDeclaration>()).Distinct().ToList();
            // A setting the contract does not write (an optional one) leaves the sum out: the plug-in checks Has first.
            // A setting written wrongly has been reported where it is written.
            var symbols = new Dictionary<SettingDeclaration, ValueSymbol>();
            foreach (var setting in settings)
            {
                if (clause.Setting(setting.Key) is not BoundExpressionSetting { Expression: var value } written || value.HasErrors())
                {
                    symbols.Clear();
                    break;
                }
                // Named by its key, unless the contract has a name like it ('cost' the column and 'cost' the setting).
                string name = context.IsContractName?.Invoke(setting.Key) == true ? $"setting {setting.Key}" : setting.Key;
                var symbol = new ValueSymbol(name, written.Syntax.Span);
                symbol.SetExpression(value);
                symbols[setting] = symbol;
            }
            if (symbols.Count != settings.Count)
            {
                continue;
            }

            var bag = new DiagnosticBag();
            var extra = symbols.Values.ToList<Symbol>();
            var perMember = bind(sum.Expression.ToSyntax(s => symbols[s].Name, at), extra, bag);
            var where = sum.Where is null ? null : bind(sum.Where.ToSyntax(s => symbols[s].Name, at), extra, bag);
            var by = sum.By is null ? null : bind(sum.By.ToSyntax(s => symbols[s].Name, at), extra, bag);
            var declaredBy = $"the plug-in '{((IClauseKind)kind).Keyword}' declares ('{sum.Description}', script line {sum.Line})";
            foreach (var d in bag.ToList())
            {
                context.Report(d with { Message = $"{d.Message} In {sum.Formula}, which {declaredBy}." });
            }
            if (bag.HasErrors || perMember.HasErrors() || where?.HasErrors() == true || by?.HasErrors() == true)
            {
                continue;
            }
            // Groups are named by text: the SQL databases and the in-memory stage write a number or a date as text differently.
            if (by is not null && (by.Type.Kind != ValueKind.Text || by.Level != EvaluationLevel.Member))
            {
                context.Report(PluginDiagnostics.GroupNotText(Location.In(context.Source, at), sum.Formula, declaredBy,
                    by.Level != EvaluationLevel.Member ? "the same for every member" : by.Type.DisplayName));
                continue;
            }

            if (!Units.ExpectationOf(sum.Unit).Accepts(perMember.Type))
            {
                context.Report(PluginDiagnostics.PerMemberUnit(Location.In(context.Source, at), sum.Formula, declaredBy, UnitName(sum.Unit), perMember.Type.DisplayName));
                continue;
            }
            if (where is not null && where.Type.Kind != ValueKind.Flag)
            {
                context.Report(PluginDiagnostics.PerMemberCondition(Location.In(context.Source, at), sum.Formula, declaredBy, where.Type.DisplayName));
                continue;
            }
            var level = new[] { perMember, where, by }.OfType<BoundExpression>().Max(e => e.Level);
            if (level != EvaluationLevel.Member)
            {
                context.Report(PluginDiagnostics.PerMemberReadsNoColumn(Location.In(context.Source, at), sum.Formula, declaredBy));
                continue;
            }

            // A sum where a condition holds is the sum of 'if condition then value else 0': one expression, so the stage
            // and SQL need nothing new. The zero has the value's own unit.
            var ifSyntax = new IfSyntax(where?.Syntax ?? perMember.Syntax, perMember.Syntax, new NumberLiteralSyntax(0m, LiteralUnit.None, "0", at), at);
            if (by is not null)
            {
                clause.DeclaredMemberExpressions[MemberSumBy.GroupKeyOf(sum)] = by;
            }
            clause.DeclaredMemberExpressions[sum.Key] = where is null
                ? perMember
                : new BoundIf(where, perMember, new BoundLiteral(Value.Of(0m), perMember.Type, ifSyntax.WhenFalse), perMember.Type, EvaluationLevel.Member, ifSyntax);
        }
    }

    private static string UnitName(Unit unit) => unit switch
    {
        Unit.Money => "money",
        Unit.Percent => "a percent",
        Unit.Count => "a count",
        Unit.Pmpm => "an amount PMPM",
        Unit.MemberMonths => "member months",
        _ => "a number",
    };
}
