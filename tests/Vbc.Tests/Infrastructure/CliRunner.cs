namespace Vbc.Tests.Infrastructure;

/// <summary>Runs the vbc command in-process, from the repository root, and captures what it writes.</summary>
public static class CliRunner
{
    private static readonly object Gate = new();

    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args) => RunIn(Golden.RepositoryRoot, args);

    /// <summary>Runs vbc with <paramref name="directory"/> as the working directory.</summary>
    public static Result RunIn(string directory, params string[] args)
    {
        // The working directory is process-wide: runs that use relative paths take turns.
        lock (Gate)
        {
            var previous = Directory.GetCurrentDirectory();
            Directory.SetCurrentDirectory(directory);
            try
            {
                var output = new StringWriter { NewLine = "\n" };
                var error = new StringWriter { NewLine = "\n" };
                int code = Vbc.Cli.Program.Run(args, output, error);
                return new Result(code, output.ToString(), error.ToString());
            }
            finally
            {
                Directory.SetCurrentDirectory(previous);
            }
        }
    }

    /// <summary>Splits a command line written in a contract comment (no quoting is used there).</summary>
    public static string[] Split(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
