using System.CommandLine;

namespace Vbc.Cli.Commands;

/// <summary><c>vbc settle CONTRACT --data FILE ...</c>: settles a contract and prints the statement.</summary>
internal static class SettleCommand
{
    public static Command Create(Streams console)
    {
        var command = new Command("settle", "Settle a contract.");
        command.SetAction(_ => Program.UsageErrors);
        return command;
    }
}
