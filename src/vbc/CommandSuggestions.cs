using Vbc.Semantics;

namespace Vbc.Cli;

/// <summary>"Did you mean ...?" for a mistyped command (<c>vbc setle</c>), with the same nearness rule as names in contracts (<see cref="Suggest"/>).</summary>
internal static class CommandSuggestions
{
    /// <summary>
    /// The message for a first argument that is neither an option nor a command, or null when the first argument
    /// is a command (its own errors are reported as usual) or an option.
    /// </summary>
    public static string? ForUnknownCommand(IReadOnlyList<string> args, IReadOnlyCollection<string> commands)
    {
        if (args.Count == 0 || args[0].StartsWith('-') || commands.Contains(args[0], StringComparer.Ordinal))
        {
            return null;
        }
        string typed = args[0];
        string list = string.Join(", ", commands);
        return Suggest.Nearest(typed, commands) is { } nearest
            ? $"'{typed}' is not a vbc command. Did you mean '{nearest}'? Commands: {list}."
            : $"'{typed}' is not a vbc command. Commands: {list}.";
    }
}
