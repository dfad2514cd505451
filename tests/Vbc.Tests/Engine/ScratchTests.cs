using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Reports;
using Vbc.Semantics;
using Vbc.Settlement;
using Xunit.Abstractions;

namespace Vbc.Tests.Engine;

public class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void SettlesBasicA()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var contract = Binder.Bind(ContractParser.ParseFile(Path.Combine(root, "contracts/mssp-basic-a.vbc")));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var rows = new List<Dictionary<string, object>>();
        for (int i = 0; i < 200; i++)
        {
            rows.Add(new Dictionary<string, object>
            {
                ["member_id"] = $"M{i:000}", ["member_months"] = i % 50 == 0 ? 0m : 12m, ["risk_score"] = 1.0m + (i % 7) / 100m,
                ["attributed"] = i % 40 != 0, ["esrd"] = i % 33 == 0,
                ["inpatient"] = i % 10 == 0 ? 50000m + i * 1000m : 100m, ["outpatient"] = 2000.55m, ["professional"] = 3000m,
                ["pharmacy"] = 1500m, ["snf"] = 0m, ["home_health"] = 10.01m,
            });
        }
        var source = BatchListSource.FromRows(contract, rows, 64);
        var result = SettlementEngine.Settle(contract, new SettlementRequest
        {
            Data = source,
            Inputs = new Dictionary<string, string> { ["quality_score"] = "92%", ["assigned_beneficiaries"] = "9139" },
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        output.WriteLine(TextStatementWriter.Write(result.Statement!));
    }
}
