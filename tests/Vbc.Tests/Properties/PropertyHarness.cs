using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Tests.Properties;

/// <summary>
/// A generated member row. Carve-outs are parts of their categories (transplant within inpatient, dialysis within
/// outpatient), as the domain says.
/// </summary>
public sealed record GenMember(
    int Index,
    decimal Months,
    decimal Risk,
    bool Attributed,
    bool Esrd,
    decimal Inpatient,
    decimal Outpatient,
    decimal Professional,
    decimal Transplant,
    decimal Dialysis)
{
    public string Id => $"M{Index:0000}";

    /// <summary>The categories in scope (inpatient + outpatient + professional), before carve-outs.</summary>
    public decimal Gross => Inpatient + Outpatient + Professional;

    public decimal Carved => Transplant + Dialysis;

    /// <summary>In the population of the common contracts: attributed, not ESRD, member months above 0.</summary>
    public bool Eligible => Attributed && !Esrd && Months > 0;

    /// <summary>Every dollar scaled by the factor (exactly, no rounding).</summary>
    public GenMember Scaled(decimal factor) => this with
    {
        Inpatient = Inpatient * factor,
        Outpatient = Outpatient * factor,
        Professional = Professional * factor,
        Transplant = Transplant * factor,
        Dialysis = Dialysis * factor,
    };

    public IReadOnlyDictionary<string, object> Row() => new Dictionary<string, object>
    {
        ["member_id"] = Id,
        ["member_months"] = Months,
        ["risk_score"] = Risk,
        ["attributed"] = Attributed,
        ["esrd"] = Esrd,
        ["inpatient"] = Inpatient,
        ["outpatient"] = Outpatient,
        ["professional"] = Professional,
        ["transplant"] = Transplant,
        ["dialysis"] = Dialysis,
        ["grp"] = "g" + Index.ToString("0000", CultureInfo.InvariantCulture),
        ["zero"] = 0m,
        ["episode_type"] = "T" + (Index % 4).ToString(CultureInfo.InvariantCulture),
    };

    public const string CsvHeader = "member_id,member_months,risk_score,attributed,esrd,inpatient,outpatient,professional,transplant,dialysis";

    public string Csv() => string.Join(",", Id, F(Months), F(Risk), Attributed ? 1 : 0, Esrd ? 1 : 0, F(Inpatient), F(Outpatient), F(Professional), F(Transplant), F(Dialysis));

    private static string F(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A generated case: a contract written out, its inputs, the member rows and the parameters the contract was
/// written from. Its text (which FsCheck prints for a counterexample, and which failures quote) is the contract
/// and the data, so a shrunk failure can be replayed by hand with vbc settle.
/// </summary>
public sealed record Case<TParams>(string Contract, IReadOnlyDictionary<string, string> Inputs, GenMember[] Members, TParams Parameters)
{
    public Case<TParams> WithMembers(GenMember[] members) => this with { Members = members };

    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine().AppendLine("----- contract -----").AppendLine(Contract.TrimEnd());
        text.AppendLine("----- inputs -----");
        foreach (var (name, value) in Inputs)
        {
            text.AppendLine($"--input {name}={value}");
        }
        text.AppendLine($"----- data ({Members.Length} rows) -----").AppendLine(GenMember.CsvHeader);
        foreach (var m in Members)
        {
            text.AppendLine(m.Csv());
        }
        text.AppendLine("----- parameters -----").AppendLine(Parameters?.ToString());
        return text.ToString();
    }
}

/// <summary>A property failed for a case: the message quotes the case (contract, inputs and data).</summary>
public sealed class PropertyFailure(string message) : Exception(message);

internal static class Harness
{
    private static readonly ConcurrentDictionary<string, BoundContract> Contracts = new();

    /// <summary>The data block every generated contract shares (columns in this order).</summary>
    public const string DataBlock = """
        data {
          member_id: id
          member_months: member_months
          risk_score: ratio
          attributed: flag
          esrd: flag
          inpatient: money
          outpatient: money
          professional: money
          transplant: money
          dialysis: money
        }
        """;

    public static string Header(string name) => $$"""
        contract "{{name}}" {
          payer: "Generated payer"
          provider: "Generated provider"
          period: 2024-01-01 to 2024-12-31
        }
        """;

    public static string P(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    public static BoundContract Bind(string text) => Contracts.GetOrAdd(text, t =>
    {
        var contract = Binder.Bind(ContractParser.Parse(t));
        if (contract.HasErrors)
        {
            throw new PropertyFailure($"The generated contract does not bind:\n{string.Join("\n", contract.Diagnostics)}\n{t}");
        }
        return contract;
    });

    /// <summary>Settles a case; a failed settlement is a failed property, with the diagnostics and the case.</summary>
    public static Statement Settle<T>(Case<T> c, IEnumerable<GenMember>? members = null, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var contract = Bind(c.Contract);
        var result = SettlementEngine.Settle(contract, new SettlementRequest
        {
            Inputs = inputs ?? c.Inputs,
            Data = BatchListSource.FromRows(contract, (members ?? c.Members).Select(m => m.Row()), 64),
        });
        if (!result.Succeeded)
        {
            throw new PropertyFailure($"Settlement failed:\n{string.Join("\n", result.Diagnostics)}");
        }
        return result.Statement!;
    }

    /// <summary>
    /// Throws a failure when the condition does not hold. FsCheck prints the (shrunk) case above the message: the
    /// contract, the inputs and the data.
    /// </summary>
    public static void Require<T>(bool condition, Case<T> c, string what)
    {
        _ = c;
        if (!condition)
        {
            throw new PropertyFailure(what);
        }
    }

    public static decimal Value(this Statement s, string id) =>
        s.Lines.FirstOrDefault(l => l.Id == id)?.Value ?? throw new PropertyFailure($"no line '{id}' in the statement: {string.Join(", ", s.Lines.Select(l => l.Id))}");

    public static decimal? ValueOrNull(this Statement s, string id) => s.Lines.FirstOrDefault(l => l.Id == id)?.Value;

    // ---- generators -------------------------------------------------------------------------------------------

    /// <summary>Cents from 0 to the given dollars.</summary>
    public static Gen<decimal> Dollars(int max) => Gen.Choose(0, max * 100).Select(c => c / 100m);

    /// <summary>Zero-inflated, right-skewed member costs.</summary>
    public static Gen<decimal> Cost() => Gen.Frequency(
        (3, Gen.Constant(0m)),
        (6, Dollars(15_000)),
        (1, Dollars(300_000)));

    /// <summary>A part of an amount (a carve-out within its category): mostly none.</summary>
    public static Gen<decimal> PartOf(decimal amount) => Gen.Frequency(
        (7, Gen.Constant(0m)),
        (2, Gen.Choose(0, 100).Select(p => Math.Round(amount * p / 100m, 2, MidpointRounding.ToZero))),
        (1, Gen.Constant(amount)));

    public static Gen<GenMember> Member() =>
        from months in Gen.Frequency((1, Gen.Constant(0m)), (2, Gen.Choose(1, 11).Select(m => (decimal)m)), (7, Gen.Constant(12m)))
        from risk in Gen.Choose(300, 2500).Select(r => r / 1000m)
        from attributed in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        from esrd in Gen.Frequency((1, Gen.Constant(true)), (12, Gen.Constant(false)))
        from inpatient in Cost()
        from outpatient in Cost()
        from professional in Cost()
        from transplant in PartOf(inpatient)
        from dialysis in PartOf(outpatient)
        select new GenMember(0, months, risk, attributed, esrd, inpatient, outpatient, professional, transplant, dialysis);

    /// <summary>Between min and max members; the first is always in the population, so there is one.</summary>
    public static Gen<GenMember[]> Members(int min = 20, int max = 200) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Member(), n)).Select(list => list
            .Select((m, i) => i == 0 ? m with { Index = 1, Attributed = true, Esrd = false, Months = 12 } : m with { Index = i + 1 })
            .ToArray());

    /// <summary>
    /// Shrinks a case by removing members (halves, then single members), keeping at least one member in the
    /// population so the settlement still runs.
    /// </summary>
    public static IEnumerable<Case<T>> ShrinkMembers<T>(Case<T> c)
    {
        var m = c.Members;
        IEnumerable<GenMember[]> Candidates()
        {
            if (m.Length > 1)
            {
                yield return m[..(m.Length / 2)];
                yield return m[(m.Length / 2)..];
            }
            if (m.Length <= 40)
            {
                for (int i = 0; i < m.Length; i++)
                {
                    yield return m.Take(i).Concat(m.Skip(i + 1)).ToArray();
                }
            }
        }
        return Candidates().Where(ms => ms.Any(x => x.Eligible)).Select(c.WithMembers);
    }

    /// <summary>Runs a property over generated cases; failures throw (FsCheck shrinks the case first).</summary>
    public static void Check<T>(Gen<T> gen, Func<T, IEnumerable<T>> shrink, Action<T> property, int tests = 100)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(tests).WithQuietOnSuccess(true);
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(gen, shrink), property));
    }
}
