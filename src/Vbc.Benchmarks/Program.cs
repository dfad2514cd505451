using System.Globalization;
using System.Text.Json;
using Vbc.Benchmarks;

// The benchmark program (docs/performance.md). Run it through bench/run.sh, which builds, generates the data,
// starts PostgreSQL and stops it again. It settles contracts/mssp-basic-e.vbc over each data file with the engine,
// with a hand-written loop and with PostgreSQL, each configuration in a child process of its own, and prints one
// Markdown report.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "--lsp")
{
    // The language server's figures (docs/editors.md): dotnet run -c Release --project src/Vbc.Benchmarks -- --lsp
    return await LspBenchmark.RunAsync(args.Length > 1 ? args[1] : Directory.GetCurrentDirectory());
}

if (args.Length > 0 && args[0] == "--diff")
{
    // The diff's figures (docs/diff.md): dotnet run -c Release --project src/Vbc.Benchmarks -- --diff
    return DiffBenchmark.Run(args.Length > 1 ? args[1] : Directory.GetCurrentDirectory());
}
if (args.Length > 0 && args[0] == "--priced-diff")
{
    // The priced diff against one settle (docs/performance.md): dotnet run -c Release --project src/Vbc.Benchmarks -- --priced-diff FILE [RUNS] [member]
    return PricedDiffBenchmark.Run(Directory.GetCurrentDirectory(), args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3,
        args.Length > 3 && args[3] == "member");
}
if (args.Length > 0 && args[0] == "--plugins")
{
    // Plug-in compile, cache and unload figures (docs/plugins.md): dotnet run -c Release --project src/Vbc.Benchmarks -- --plugins [VERSIONS] [LOADS]
    return PluginBenchmark.Run(Directory.GetCurrentDirectory(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0);
}
if (args.Length > 1 && args[0] == "--plugins-members")
{
    // A plug-in clause over many members against the same arithmetic in built-in clauses (docs/performance.md):
    // dotnet run -c Release --project src/Vbc.Benchmarks -- --plugins-members FILE [RUNS]
    return PluginMembersBenchmark.Run(Directory.GetCurrentDirectory(), args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
}
if (args.Length > 0 && args[0] == "--duckdb")
{
    // The hand-written DuckDB query, one whole process (the orchestrator times it): --duckdb FILE QUALITY REVENUE
    return DuckDbQuery.Run(args[1], Orchestrator.ParsePercent(args[2]), Orchestrator.ParseMoney(args[3]));
}

if (args.Length > 0 && args[0] == "--child")
{
    var request = JsonSerializer.Deserialize<ChildRequest>(args[1]) ?? throw new ArgumentException("No child request.");
    var result = ChildRunner.Run(request);
    Console.Out.WriteLine(Orchestrator.ResultPrefix + JsonSerializer.Serialize(result));
    return 0;
}

if (args.Length > 0 && args[0] == "--only")
{
    // One configuration in this process, for profiling (bench/profile.sh):
    // --only CONFIG CONTRACT FILE [RUNS] [REPEAT]
    if (args.Length < 4)
    {
        Console.Error.WriteLine($"usage: Vbc.Benchmarks --only {string.Join("|", Configurations.All)} CONTRACT FILE [RUNS] [REPEAT]");
        return 2;
    }
    var only = new ChildRequest(args[1], args[2], args[3], args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1,
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3, "92%", "20000000000");
    var r = ChildRunner.Run(only);
    Console.Out.WriteLine($"{r.Configuration}: {r.Rows:N0} rows, total {r.Figures.Total}, peak {r.PeakRssKb / 1024} MB");
    foreach (var (part, seconds) in r.Extra)
    {
        Console.Out.WriteLine($"  {part}: {seconds:F4} s");
    }
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}
return new Orchestrator(options).Run();
