using Vbc.Tests.Databases;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;
using Xunit.Abstractions;
using ExampleFiles = Vbc.Tests.Databases.Examples;

namespace Vbc.Tests.Native;

/// <summary>
/// vbc settle --engine postgres from the native vbc (Npgsql compiled ahead of time) against the managed vbc, over the
/// examples' seed files loaded into a throwaway PostgreSQL 15 server: the same bytes. NOT RUN without the native vbc
/// or without a server, as the other native and PostgreSQL tests.
/// </summary>
// One collection: each class starts its own server, and two starting at once would pick the same free port.
[Collection("PostgreSQL servers")]
public class NativePostgresTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    [Theory]
    [InlineData("contracts/mssp-basic-e.vbc")]
    [InlineData("contracts/ny-vbp-level-2.vbc")]
    public void Engine_postgres_settles_natively_as_in_the_managed_vbc(string contract)
    {
        if (NativeVbc.Executable is null || server.Connection is null)
        {
            string message = $"NOT RUN: {(NativeVbc.Executable is null ? $"{NativeVbc.Variable} names no native vbc" : $"no PostgreSQL server ({server.Missing})")}, so --engine postgres was NOT checked natively.";
            output.WriteLine(message);
            Console.WriteLine(message);
            Assert.False(Environment.GetEnvironmentVariable(NativeVbc.RequireVariable) == "1" && Environment.GetEnvironmentVariable(PostgresServer.RequireVariable) == "1", message);
            return;
        }
        // Not pooled: a server of another class may have had the same port, and its pooled connections are dead.
        string connection = server.Connection + ";Pooling=false";
        string table = "n_" + Path.GetFileNameWithoutExtension(contract).Replace('-', '_');
        PostgresEngineTests.Load(connection, contract, Golden.PathOf(ExampleFiles.DataFile(contract)!), table, "NUMERIC(18, 2)");
        var args = new[] { "settle", contract, "--engine", "postgres", "--connection", connection, "--table", table }
            .Concat(StageBaselineTests.RunArguments(contract)).ToArray();
        foreach (var format in new[] { "text", "json" })
        {
            var run = args.Concat(new[] { "--format", format }).ToArray();
            var managed = CliRunner.Run(run);
            var native = NativeVbc.Run(run);
            Assert.True(managed.ExitCode == native.ExitCode, native.Error);
            Assert.Equal(managed.Error, native.Error);
            Assert.Equal(managed.Output, native.Output);
        }
    }
}
