using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Portfolio;

/// <summary>
/// The figures a portfolio shows for each organisation, read from its settlement (never computed again): members and
/// member months of the population, the benchmark B, the actual cost A, the savings rate, the minimum savings rate,
/// the quality score, and the amount of each payment line. A figure the contract does not compute is null.
/// </summary>
public sealed record KeyFigures(
    long? Members,
    decimal? MemberMonths,
    decimal? Benchmark,
    decimal? Actual,
    decimal? SavingsRate,
    decimal? MinimumSavingsRate,
    decimal? Quality)
{
    /// <summary>The quality figure shown: the contract's composite if it computes one, else its quality input (a percent input named quality...).</summary>
    public const string QualityRule = "quality_composite if the contract computes it, else the first percent input whose name starts with 'quality'";

    public static KeyFigures Of(SettlementResult result)
    {
        var s = result.Statement!;
        decimal? Output(string name) => result.Outputs.TryGetValue(name, out var v) && v.Kind == ValueKind.Number ? v.Number : null;
        long? members = s.Population?.Members ?? (Output("members") is { } m ? (long)m : null);
        decimal? months = Output("total_member_months") ?? s.Population?.MemberMonths;
        decimal? quality = Output("quality_composite")
            ?? s.Inputs.FirstOrDefault(i => i.Name.StartsWith("quality", StringComparison.OrdinalIgnoreCase) && i.Type.IsNumber && i.Value is { Kind: ValueKind.Number })?.Value?.Number;
        return new KeyFigures(members, months, Output("benchmark"), Output("actual"), Output("savings_rate"), Output("minimum_savings_rate"), quality);
    }
}
