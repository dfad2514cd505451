using System.Diagnostics;
using System.Text;
using Vbc.Data;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Data;
using Vbc.Tests.Databases;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;
using Xunit.Abstractions;
using ExampleFiles = Vbc.Tests.Databases.Examples;

namespace Vbc.Tests.Native;

/// <summary>
/// The native vbc (scripts/publish-native.sh) named by the environment variable VBC_NATIVE, run as a process from the
/// repository root. It cannot be compiled inside the tests (a Native AOT publish takes minutes): .ci/run publishes it
/// once and sets VBC_NATIVE and VBC_REQUIRE_NATIVE=1. Without it these tests say NOT RUN and pass, unless
/// VBC_REQUIRE_NATIVE is 1.
/// </summary>
internal static class NativeVbc
{
    public const string Variable = "VBC_NATIVE";

    public const string RequireVariable = "VBC_REQUIRE_NATIVE";

    /// <summary>The native vbc's full path, or null when VBC_NATIVE does not name a file.</summary>
    public static string? Executable => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path && File.Exists(path) ? Path.GetFullPath(path) : null;

    /// <summary>Runs a vbc executable (the native one by default) with the repository root as its working folder.</summary>
    public static CliRunner.Result Run(string[] args, string? executable = null, byte[]? input = null)
    {
        var start = new ProcessStartInfo(executable ?? Executable!)
        {
            WorkingDirectory = Golden.RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment.Remove("VBC_HANDED_OVER");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.BaseStream.Write(input);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vbc {string.Join(' ', args)} did not end within 5 minutes.");
        }
        process.WaitForExit();
        return new CliRunner.Result(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>
/// The native vbc against the managed one (this build, in process): the same output, byte for byte, and the same exit
/// code, for every example contract settled with the command in its header (text, JSON, HTML; plug-in examples go
/// through the hand-over to the managed copy), the invalid corpus checked, Parquet and --engine duckdb natively, and
/// the commands handed over (vbc lsp, vbc doc, vbc generate --format parquet). Without the managed copy, a command that
/// needs it fails with a message that says what to do.
/// </summary>
public sealed class NativeVbcTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vbc-native-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private bool Runs()
    {
        if (NativeVbc.Executable is not null)
        {
            return true;
        }
        string message = $"NOT RUN: {NativeVbc.Variable} does not name a native vbc (scripts/publish-native.sh), so the native vbc was NOT checked. " +
            $"Set {NativeVbc.RequireVariable}=1 to make this a failure.";
        output.WriteLine(message);
        Console.WriteLine(message);
        Assert.False(Environment.GetEnvironmentVariable(NativeVbc.RequireVariable) == "1", message);
        return false;
    }

    private static void AssertSame(string[] args)
    {
        var managed = CliRunner.Run(args);
        var native = NativeVbc.Run(args);
        Assert.True(managed.ExitCode == native.ExitCode, $"vbc {string.Join(' ', args)}: exit {native.ExitCode} natively, {managed.ExitCode} managed\n{native.Error}");
        Assert.Equal(Installed(managed.Error), Installed(native.Error));
        Assert.Equal(Installed(managed.Output), Installed(native.Output));
    }

    /// <summary>The text with the link to the copy of docs/diagnostics.md beside each vbc (the folder it is installed in) made alike.</summary>
    private static string Installed(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"file://[^\s""]*?/docs/diagnostics\.md", "<vbc>/docs/diagnostics.md");

    public static TheoryData<string> SettledExamples() => ExampleContractTests.SettledExamples();

    [Theory]
    [MemberData(nameof(SettledExamples))]
    public void Every_example_settles_to_the_same_bytes_as_the_managed_vbc(string contract)
    {
        if (!Runs())
        {
            return;
        }
        var args = ExampleContractTests.SettleCommandOf(contract);
        foreach (var format in new[] { "text", "json", "html" })
        {
            AssertSame(args.Concat(new[] { "--format", format }).ToArray());
        }
    }

    public static TheoryData<string> InvalidContracts() =>
        new(Directory.GetFiles(Golden.PathOf("tests", "invalid"), "*.vbc").Select(f => "tests/invalid/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(InvalidContracts))]
    public void Check_reports_the_same_diagnostics_on_the_invalid_corpus(string contract)
    {
        if (!Runs())
        {
            return;
        }
        AssertSame(new[] { "check", contract });
        AssertSame(new[] { "check", contract, "--format", "json" });
    }

    [Fact]
    public void A_contract_with_plug_ins_met_after_others_hands_the_whole_command_over_with_nothing_written_twice()
    {
        if (!Runs())
        {
            return;
        }
        // The native vbc checks the first two, writes their diagnostics (held back), then meets the plug-ins.
        AssertSame(new[] { "check", "contracts/mssp-basic-e.vbc", "tests/invalid/wrong-units.vbc", "contracts/quality-points.vbc", "tests/invalid/cycle.vbc" });
        AssertSame(new[] { "test", "contracts" });
    }

    [Fact]
    public async Task A_contract_with_plug_ins_read_from_standard_input_is_handed_over_with_its_text()
    {
        if (!Runs())
        {
            return;
        }
        // The native vbc reads the contract from its standard input, meets the plug-ins, and runs the command again in
        // the managed vbc: that one must read the same text, not an empty standard input ("no contract", VBC1003).
        byte[] text = File.ReadAllBytes(Path.Combine(Golden.RepositoryRoot, "contracts", "aggregate-stop-loss.vbc"));
        string managed = Path.Combine(Path.GetDirectoryName(NativeVbc.Executable)!, "managed", "vbc");
        foreach (var args in new[]
        {
            new[] { "check", "/dev/stdin", "--plugins", "plugins" },
            new[] { "settle", "/dev/stdin", "--plugins", "plugins", "--data", "seeds/members.csv", "--format", "json" },
            new[] { "check", "contracts/mssp-basic-e.vbc", "/dev/stdin", "--plugins", "plugins" },
        })
        {
            var expected = NativeVbc.Run(args, managed, text);
            var native = NativeVbc.Run(args, input: text);
            Assert.True(expected.ExitCode == 0, $"vbc {string.Join(' ', args)} (managed): exit {expected.ExitCode}\n{expected.Error}");
            Assert.True(native.ExitCode == 0, $"vbc {string.Join(' ', args)} (native): exit {native.ExitCode}\n{native.Error}");
            Assert.Equal(Installed(expected.Error), Installed(native.Error));
            Assert.Equal(Installed(expected.Output), Installed(native.Output));
        }

        // A pipe other than standard input (bash's process substitution) cannot be read again: the hand-over is
        // refused with what to do, never run on an empty contract.
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Golden.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("\"$0\" check <(cat contracts/aggregate-stop-loss.vbc) --plugins plugins");
        start.ArgumentList.Add(NativeVbc.Executable!);
        start.Environment.Remove("VBC_HANDED_OVER");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await output);
        Assert.Matches(@"^vbc: the contract '/dev/fd/\d+' names plug-ins .*, and this native vbc had already read '/dev/fd/\d+', which cannot be read a second time \(a pipe\)\. Run the command with the managed vbc: .*/managed/vbc \(same arguments\), or give the file by its path\.\n$", error);
    }

    public static TheoryData<string> ExamplesWithOneDataFile() => new(ExampleFiles.All().Where(c => ExampleFiles.DataFile(c) is not null));

    [Theory]
    [MemberData(nameof(ExamplesWithOneDataFile))]
    public void Parquet_and_engine_duckdb_settle_natively_as_in_the_managed_vbc(string contract)
    {
        if (!Runs())
        {
            return;
        }
        string csv = ExampleFiles.DataFile(contract)!;
        string parquet = Path.Combine(_folder, Path.GetFileNameWithoutExtension(csv) + ".parquet");
        ParquetDifferentialTests.Convert(Golden.PathOf(csv), Binder.Bind(ContractParser.ParseFile(Golden.PathOf(contract))).Columns, parquet);
        var run = StageBaselineTests.RunArguments(contract).ToArray();
        foreach (var data in new[] { csv, parquet })
        {
            AssertSame(new[] { "settle", contract, "--data", data }.Concat(run).ToArray());
            AssertSame(new[] { "settle", contract, "--data", data, "--engine", "duckdb" }.Concat(run).ToArray());
            AssertSame(new[] { "settle", contract, "--data", data, "--engine", "duckdb", "--format", "json" }.Concat(run).ToArray());
        }
    }

    [Fact]
    public void A_portfolio_settles_natively_as_in_the_managed_vbc()
    {
        if (!Runs())
        {
            return;
        }
        string contract = Path.Combine(_folder, "enhanced-by-organisation.vbc"), inputs = Path.Combine(_folder, "acos.csv");
        File.WriteAllText(contract, DatabasePortfolioTests.EnhancedByOrganisation());
        File.WriteAllText(inputs, "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n");
        foreach (var format in new[] { "csv", "json", "html" })
        {
            AssertSame(new[] { "settle", contract, "--data", "seeds/members.csv", "--inputs", inputs, "--format", format });
            AssertSame(new[] { "settle", contract, "--data", "seeds/members.csv", "--inputs", inputs, "--format", format, "--engine", "duckdb" });
        }
    }

    [Fact]
    public void Every_other_command_gives_the_same_output()
    {
        if (!Runs())
        {
            return;
        }
        AssertSame(new[] { "fmt", "--check", "contracts/mssp-basic-a.vbc", "contracts/reach-global.vbc" });
        AssertSame(new[] { "check", "contracts/mssp-basic-e.vbc", "--dump", "ir", "--input", "quality_score=92%", "--input", "participant_revenue=4000000" });
        AssertSame(new[] { "sql", "contracts/mssp-basic-e.vbc", "--dialect", "duckdb", "--input", "quality_score=92%", "--input", "participant_revenue=4000000" });
        AssertSame(new[] { "diff", "contracts/partial-capitation.vbc", "contracts/partial-capitation-amendment.vbc", "--format", "json" });
        AssertSame(new[] { "diff", "contracts/mssp-basic-a.vbc", "contracts/mssp-basic-e.vbc", "--data", "seeds/members.csv", "--input", "quality_score=92%",
            "--input", "assigned_beneficiaries=9139", "--input", "participant_revenue=4000000" });
        AssertSame(new[] { "curve", "contracts/mssp-basic-a.vbc", "--data", "seeds/members.csv", "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139", "--format", "svg" });
        string managedCsv = Path.Combine(_folder, "managed.csv"), nativeCsv = Path.Combine(_folder, "native.csv");
        Assert.Equal(0, CliRunner.Run("generate", "members", "--members", "200", "--seed", "7", "--out", managedCsv).ExitCode);
        Assert.Equal(0, NativeVbc.Run(new[] { "generate", "members", "--members", "200", "--seed", "7", "--out", nativeCsv }).ExitCode);
        Assert.Equal(File.ReadAllBytes(managedCsv), File.ReadAllBytes(nativeCsv));
        AssertSame(new[] { "setle" });
        var help = NativeVbc.Run(new[] { "settle", "--help" });
        Assert.True(help.ExitCode == 0 && help.Output.Contains("Usage:\n  vbc settle <contract>", StringComparison.Ordinal), help.Output + help.Error);

        // The conformance report says how long it took: the same but for that.
        var managed = CliRunner.Run("conformance", "mssp");
        var native = NativeVbc.Run(new[] { "conformance", "mssp" });
        Assert.Equal(managed.ExitCode, native.ExitCode);
        Assert.Equal(WithoutSeconds(managed.Error), WithoutSeconds(native.Error));
        Assert.Equal(WithoutSeconds(managed.Output), WithoutSeconds(native.Output));
    }

    private static string WithoutSeconds(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"in [0-9.]+ s\.", "in N s.");

    [Fact]
    public void Commands_that_need_the_runtime_are_handed_over_doc_and_generate_parquet()
    {
        if (!Runs())
        {
            return;
        }
        AssertSame(new[] { "doc", "plugins/quality-points.csx" });
        string managed = Path.Combine(_folder, "managed.parquet"), native = Path.Combine(_folder, "native.parquet");
        var a = CliRunner.Run("generate", "members", "--members", "300", "--seed", "5", "--format", "parquet", "--out", managed);
        var b = NativeVbc.Run(new[] { "generate", "members", "--members", "300", "--seed", "5", "--format", "parquet", "--out", native });
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Error + b.Error);
        Assert.Equal(File.ReadAllBytes(managed), File.ReadAllBytes(native));
    }

    [Fact]
    public async Task The_language_server_answers_initialize_and_shutdown_through_the_hand_over()
    {
        if (!Runs())
        {
            return;
        }
        // As an editor does: each request's answer awaited before the next message.
        var start = new ProcessStartInfo(NativeVbc.Executable!, new[] { "lsp", "--stdio" })
        {
            WorkingDirectory = Golden.RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("VBC_HANDED_OVER");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var input = process.StandardInput.BaseStream;
        var output = process.StandardOutput.BaseStream;
        void Send(string json)
        {
            input.Write(Encoding.UTF8.GetBytes($"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}"));
            input.Flush();
        }
        string Receive()
        {
            var header = new StringBuilder();
            while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = output.ReadByte();
                Assert.True(b >= 0, "vbc lsp closed its output before answering.");
                header.Append((char)b);
            }
            int length = int.Parse(header.ToString().Split("Content-Length:")[1].Split('\r')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var body = new byte[length];
            output.ReadExactly(body);
            return Encoding.UTF8.GetString(body);
        }
        Send("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}""");
        string initialized = Receive();
        while (!initialized.Contains("\"id\":1", StringComparison.Ordinal))
        {
            initialized = Receive(); // a log message sent first
        }
        Assert.Contains("\"textDocumentSync\"", initialized);
        Send("""{"jsonrpc":"2.0","method":"initialized","params":{}}""");
        Send("""{"jsonrpc":"2.0","id":2,"method":"shutdown"}""");
        string shutdown = Receive();
        while (!shutdown.Contains("\"id\":2", StringComparison.Ordinal))
        {
            shutdown = Receive();
        }
        Send("""{"jsonrpc":"2.0","method":"exit"}""");
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "vbc lsp did not exit after exit");
        string log = await errors;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{log}");
    }

    [Fact]
    public void Without_the_managed_copy_a_command_that_needs_it_says_what_to_do_and_the_others_still_run()
    {
        if (!Runs())
        {
            return;
        }
        string alone = Path.Combine(_folder, "vbc");
        File.Copy(NativeVbc.Executable!, alone);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(alone, File.GetUnixFileMode(NativeVbc.Executable!));
        }

        var plugins = NativeVbc.Run(new[] { "check", "contracts/mssp-basic-e.vbc", "contracts/quality-points.vbc" }, alone);
        Assert.Equal(2, plugins.ExitCode);
        Assert.Equal("", plugins.Output);
        Assert.Contains("the contract 'contracts/quality-points.vbc' names plug-ins", plugins.Error);
        Assert.Contains("scripts/publish-native.sh", plugins.Error);
        Assert.DoesNotContain("internal error", plugins.Error);

        var lsp = NativeVbc.Run(new[] { "lsp" }, alone);
        Assert.Equal(2, lsp.ExitCode);
        Assert.Contains("scripts/publish-native.sh", lsp.Error);

        var plain = NativeVbc.Run(new[] { "check", "contracts/mssp-basic-e.vbc" }, alone);
        Assert.True(plain.ExitCode == 0, plain.Error);
    }
}
