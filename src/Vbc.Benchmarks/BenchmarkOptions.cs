namespace Vbc.Benchmarks;

/// <summary>The benchmark's command line.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        usage: Vbc.Benchmarks --data FILE [--data FILE ...] [options]
          --contract FILE      the contract (default contracts/mssp-basic-e.vbc)
          --data FILE          a member file from `vbc generate members` (repeat for several sizes)
          --runs N             runs per configuration and file: 1 cold, N-1 warm (default 4)
          --quality TEXT       the quality_score input (default 92%)
          --revenue AMOUNT     the participant_revenue input (default 20000000000)
          --postgres FILE      the state file bench/postgres.sh start wrote (host, port, data folder)
          --pg-queries N       warm runs of the SQL query after the cold one (default 3)
          --work-mem SIZE      PostgreSQL work_mem for the query session (default 1GB)
          --psql PATH          the psql client (default /usr/bin/psql)
          --vbc PATH           also time whole `vbc settle` processes: the published vbc executable, or vbc.dll (run with dotnet), --runs times per file
          --vbc-managed PATH   with --peers-only: also the managed vbc (bench/run.sh passes the native vbc as --vbc and its managed copy here)
          --parquet FILE       the same members as the --data of the same position, as Parquet (`vbc generate members --format parquet`): adds vbc from Parquet
          --peers-only         only the side-by-side whole processes (vbc from CSV and Parquet, the DuckDB query, pandas), --runs times each, alternated
          --python PATH        the Python with pandas for the pandas peer (default python3); the peer is NOT RUN when it cannot import pandas
          --out FILE           also write the report here
          --command TEXT       the command to show in the report (bench/run.sh passes its own)
        or: Vbc.Benchmarks --only CONFIGURATION CONTRACT FILE [RUNS] [REPEAT]   (one configuration, in this process)
        """;

    public string Contract { get; init; } = "contracts/mssp-basic-e.vbc";

    public List<string> Data { get; } = new();

    public int Runs { get; init; } = 4;

    public string Quality { get; init; } = "92%";

    public string Revenue { get; init; } = "20000000000";

    public string? PostgresState { get; init; }

    public int PostgresQueries { get; init; } = 3;

    public string WorkMem { get; init; } = "1GB";

    public string Psql { get; init; } = "/usr/bin/psql";

    public string? Vbc { get; init; }

    public string? VbcManaged { get; init; }

    public string? Out { get; init; }

    public List<string> Parquet { get; } = new();

    public bool PeersOnly { get; init; }

    public string Python { get; init; } = "python3";

    public string? Command { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var o = new BenchmarkOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.TryParse(Next(), out int n) && n >= 1 ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number of at least 1.");
            switch (args[i])
            {
                case "--contract": o = o with { Contract = Next() }; break;
                case "--data": o.Data.Add(Next()); break;
                case "--runs": o = o with { Runs = NextInt() }; break;
                case "--quality": o = o with { Quality = Next() }; break;
                case "--revenue": o = o with { Revenue = Next() }; break;
                case "--postgres": o = o with { PostgresState = Next() }; break;
                case "--pg-queries": o = o with { PostgresQueries = NextInt() }; break;
                case "--work-mem": o = o with { WorkMem = Next() }; break;
                case "--psql": o = o with { Psql = Next() }; break;
                case "--vbc": o = o with { Vbc = Next() }; break;
                case "--vbc-managed": o = o with { VbcManaged = Next() }; break;
                case "--out": o = o with { Out = Next() }; break;
                case "--parquet": o.Parquet.Add(Next()); break;
                case "--peers-only": o = o with { PeersOnly = true }; break;
                case "--python": o = o with { Python = Next() }; break;
                case "--command": o = o with { Command = Next() }; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        if (o.Data.Count == 0)
        {
            throw new ArgumentException("Give at least one --data FILE.");
        }
        if (o.Parquet.Count > 0 && o.Parquet.Count != o.Data.Count)
        {
            throw new ArgumentException("Give one --parquet FILE per --data FILE (the same members), or none.");
        }
        foreach (var f in o.Data.Concat(o.Parquet).Append(o.Contract).Concat(new[] { o.Vbc, o.VbcManaged }.OfType<string>()).Where(f => !File.Exists(f)))
        {
            throw new ArgumentException($"No such file: {f}");
        }
        return o;
    }
}
