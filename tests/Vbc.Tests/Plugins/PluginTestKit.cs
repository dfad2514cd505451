using System.Security.Cryptography;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Plugins;

/// <summary>Contracts, scripts and data written to a temporary folder, bound and settled with the plug-in host.</summary>
internal static class PluginTestKit
{
    /// <summary>Tight limits, so that escapes are stopped quickly.</summary>
    public static readonly PluginLimits Limits = new(Steps: 1_000_000, TimeMilliseconds: 500, MemoryBytes: 64L << 20, StackBytes: 1 << 20);

    /// <summary>One cache for the tests that do not test the cache: each script is compiled once per run.</summary>
    public static readonly string SharedCache = Folder("cache");

    public static PluginOptions Options(string? cache = null, string? pluginsDirectory = null) =>
        new() { CacheDirectory = cache ?? SharedCache, PluginsDirectory = pluginsDirectory, Limits = Limits };

    public static string Folder(string what)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vbc-plugin-tests", what + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    public const string Data = "member_id,member_months,cost\nM1,12,1000.00\nM2,12,2500.50\nM3,6,99.50\n";

    public const string Header = """
        contract "Plug-in test" {
          payer: "Payer"
          provider: "Provider"
          period: 2024-01-01 to 2024-12-31
        }

        data {
          member_id: id
          member_months: member_months
          cost: money
        }

        """;

    /// <summary>A contract naming the script (an absolute path) as plug-in 'p', with the clause text given.</summary>
    public static string Contract(string dir, string script, string clause, string? pin = null)
    {
        var plugins = pin is null
            ? $"plugins {{\n  p: \"{script}\"\n}}\n\n"
            : $"plugins {{\n  p {{\n    script: \"{script}\"\n    sha256: \"{pin}\"\n  }}\n}}\n\n";
        var path = Path.Combine(dir, "contract.vbc");
        File.WriteAllText(path, plugins + Header + clause + "\n");
        return path;
    }

    public static BoundContract Bind(string contractPath, PluginOptions? options = null) =>
        PluginHost.Bind(ContractParser.ParseFile(contractPath), options ?? Options());

    public static SettlementResult Settle(BoundContract contract, string dir, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var data = Path.Combine(dir, "data.csv");
        File.WriteAllText(data, Data);
        using var source = new CsvMemberSource(data);
        return SettlementEngine.Settle(contract, new SettlementRequest { Data = source, Inputs = inputs ?? new Dictionary<string, string>() });
    }

    public static string Script(string dir, string name, string body)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, body);
        return path;
    }

    /// <summary>A small valid plug-in, with the keyword and the members given.</summary>
    public static string ValidScript(string keyword = "flat fee", string prefix = "FLT", string extra = "") => $$"""
        using System;
        using Vbc.Clauses.Authoring;

        public sealed class FlatFee : PluginClause
        {
            private readonly Setting<decimal> _amount;
            private readonly Setting<decimal> _share;
            private readonly MemberSetting _cost;
            private readonly MemberSum _total;

            public FlatFee()
            {
                _amount = MoneySetting("amount", "The fee.", "$100.00");
                _share = PercentSetting("share", "The share of cost added.", "10%", min: 0m, max: 1m);
                _cost = PerMemberMoney("cost", "Each member's cost.", "cost", required: false);
                _total = SumOverMembers(_cost, "members' cost");
                {{extra}}
            }

            public override string Keyword => "{{keyword}}";

            public override string Summary => "A flat fee and a share of cost.";

            public override string CodePrefix => "{{prefix}}";

            protected override void Settle(SettleContext s)
            {
                decimal cost = s.Has(_cost) ? s.Total(_total) : 0m;
                s.Step("cost", "Cost", cost, Unit.Money, "sum of cost");
                s.Component("fee", "Fee", s.Get(_amount) + s.Get(_share) * cost, s.Explain(_amount));
            }
        }
        """;

    public static bool Has(this IEnumerable<Diagnostic> diagnostics, string code, string fragment) =>
        diagnostics.Any(d => d.Code == code && d.ToString().Contains(fragment, StringComparison.OrdinalIgnoreCase));
}
