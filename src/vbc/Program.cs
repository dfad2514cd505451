using System.CommandLine;
using Vbc.Cli.Commands;
using Vbc.Cli.Native;
using Vbc.Hosting;

namespace Vbc.Cli;

/// <summary>
/// The vbc command. Exit codes: 0 success; 1 problems in a contract or its data (reported as diagnostics), or for
/// <c>diff</c>, changes found (as diff has it);
/// 2 usage or file errors (a wrong option, a file that cannot be read); 3 an internal error in vbc.
/// </summary>
public static class Program
{
    public const int Success = 0;
    public const int ContractOrDataErrors = 1;
    public const int UsageErrors = 2;
    public const int InternalError = 3;

    /// <summary>Why a call guarded by ManagedRuntime.IsAvailable may use what trimming breaks.</summary>
    internal const string TrimJustification =
        "Guarded by ManagedRuntime.IsAvailable: the native vbc (the only trimmed build) removes the call; the managed vbc, which makes it, is never trimmed.";

    public static int Main(string[] args) => ManagedRuntime.IsAvailable ? Run(args, Console.Out, Console.Error) : RunNative(args);

    /// <summary>
    /// The native vbc (compiled ahead of time, Vbc.Hosting.ManagedRuntime): runs the command with its output held
    /// back, and hands the whole command over to the managed vbc published beside it when the command needs the .NET
    /// runtime (a contract with plug-ins, the language server), so that the user sees only the managed vbc's output.
    /// </summary>
    private static int RunNative(string[] args)
    {
        var held = new HeldOutput(Console.Out, Console.Error);
        try
        {
            int code = Run(args, held.Out, held.Error);
            held.Release();
            return code;
        }
        catch (ManagedRuntimeRequiredException e)
        {
            if (held.Released)
            {
                // Part of the output is out already (more than HeldOutput.Limit): running the command again would repeat it.
                Console.Error.WriteLine($"vbc: {e.Reason}, which only the managed vbc can do, and this native vbc met it after writing output. " +
                    $"Run the command with the managed vbc: {Path.Combine(ManagedVbc.Directory, "vbc")} (same arguments).");
                return UsageErrors;
            }
            held.Discard();
            return ManagedVbc.HandOver(args, e.Reason, Console.Error);
        }
    }

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "vbc: settle value-based payment contracts written in the vbc language.\n\n" +
            "Exit codes: 0 success; 1 problems in a contract or its data (each reported as file(line,col): error CODE: message), or for diff, changes found; " +
            "2 usage or file errors; 3 an internal error in vbc (please report it).");
        // Everything goes through guarded writers: control characters escaped, a failed write a file error (exit 2).
        var rawError = error;
        output = new GuardedWriter(output, "standard output");
        error = new GuardedWriter(error, "standard error");
        var console = new Streams(output, error);
        // Only the command asked for is built when the first argument names one (each builds its options and help
        // texts, and every run pays for that at start-up); otherwise all are, for help and suggestions.
        var commands = new (string Name, Func<Command> Create)[]
        {
            ("check", () => CheckCommand.Create(console)),
            ("fmt", () => FormatCommand.Create(console)),
            ("settle", () => SettleCommand.Create(console)),
            ("diff", () => DiffCommand.Create(console)),
            ("sql", () => SqlCommand.Create(console)),
            ("generate", () => GenerateCommand.Create(console)),
            ("conformance", () => ConformanceCommand.Create(console)),
            ("test", () => TestCommand.Create(console)),
            ("curve", () => CurveCommand.Create(console)),
            ("lsp", () => LspCommand.Create(console)),
            ("doc", () => DocCommand.Create(console)),
        };
        foreach (var (name, create) in commands)
        {
            if (args.Length == 0 || args[0] == name || !commands.Any(c => c.Name == args[0]))
            {
                var command = create();
                if (command.Name != name)
                {
                    throw new InvalidOperationException($"The command table names '{name}' for the command '{command.Name}'.");
                }
                root.Subcommands.Add(command);
            }
        }

        var parse = root.Parse(args);
        try
        {
            if (parse.Errors.Count > 0)
            {
                if (CommandSuggestions.ForUnknownCommand(args, root.Subcommands.Select(c => c.Name).ToList()) is { } unknown)
                {
                    error.WriteLine($"vbc: {unknown}");
                    error.WriteLine("Run 'vbc --help' for usage.");
                    return UsageErrors;
                }
                foreach (var e in parse.Errors)
                {
                    error.WriteLine($"vbc: {e.Message}");
                }
                error.WriteLine("Run 'vbc --help' or 'vbc <command> --help' for usage.");
                return UsageErrors;
            }
            int code = parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            output.Flush();
            return code;
        }
        catch (OutputFailedException e)
        {
            try
            {
                rawError.WriteLine($"vbc: cannot write to {e.Target}: {e.Message.TrimEnd('.')}. Check that it is open and its disk has space, or write the result to a file with --out FILE.");
            }
            catch (Exception x) when (x is IOException or UnauthorizedAccessException)
            {
                // Standard error failed too: the exit code is all that is left.
            }
            return UsageErrors;
        }
        catch (Exception e) when (RuntimeRequired(e) is { } required)
        {
            // Only the native vbc throws it (when a command needs the .NET runtime): RunNative hands the command over.
            throw required;
        }
        catch (Exception e)
        {
            // A defect in vbc, never bad input: bad input is always reported as diagnostics.
            error.WriteLine($"vbc: internal error: {e.GetType().Name}: {e.Message}");
            error.WriteLine("This is a defect in vbc. Please report it with the command and files that caused it.");
            return InternalError;
        }
    }

    /// <summary>The <see cref="ManagedRuntimeRequiredException"/> in an exception, also when it came from a task or another thread.</summary>
    private static ManagedRuntimeRequiredException? RuntimeRequired(Exception e) => e switch
    {
        ManagedRuntimeRequiredException required => required,
        AggregateException aggregate => aggregate.InnerExceptions.Select(RuntimeRequired).FirstOrDefault(r => r is not null),
        { InnerException: { } inner } => RuntimeRequired(inner),
        _ => null,
    };
}

/// <summary>Where commands write: results to output, diagnostics and progress to error (unless the command's result is the diagnostics).</summary>
public sealed record Streams(TextWriter Out, TextWriter Error);
