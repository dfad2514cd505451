using System.Diagnostics;
using Vbc.Data;
using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

var contract = Binder.Bind(ContractParser.ParseFile(args[0]));
var specs = contract.Columns.Select(ColumnSpec.From).ToList();
var inputs = new Dictionary<string, string> { ["quality_score"] = "92%", ["participant_revenue"] = "4000000" };
for (int round = 0; round < 3; round++)
{
    var sw = Stopwatch.StartNew();
    using var reader = CsvMemberReader.Open(args[1], specs);
    var batches = new List<ColumnBatch>();
    foreach (var b in reader.ReadBatches()) batches.Add(b);
    var readTime = sw.Elapsed;
    sw.Restart();
    var result = SettlementEngine.Settle(contract, new SettlementRequest { Inputs = inputs, Data = new BatchListSource("x", specs, batches) });
    var engineTime = sw.Elapsed;
    sw.Restart();
    using var csv = new CsvMemberSource(args[1]);
    var result2 = SettlementEngine.Settle(contract, new SettlementRequest { Inputs = inputs, Data = csv });
    var e2e = sw.Elapsed;
    long rows = batches.Sum(b => b.RowCount);
    Console.WriteLine($"read {readTime.TotalSeconds:F2}s ({rows / readTime.TotalSeconds:N0} rows/s)  engine {engineTime.TotalSeconds:F2}s ({rows / engineTime.TotalSeconds:N0} rows/s)  e2e {e2e.TotalSeconds:F2}s ({rows / e2e.TotalSeconds:N0} rows/s) total {result.Statement?.Total} {result2.Statement?.Total}");
}
