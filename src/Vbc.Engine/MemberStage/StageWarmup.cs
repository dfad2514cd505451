using System.Reflection;
using System.Runtime.CompilerServices;
using Vbc.Data;

namespace Vbc.MemberStage;

/// <summary>
/// Compiles the CSV reader's and the member-level stage's hot methods on a thread of its own, while the caller
/// parses and binds the contract. Those methods are marked AggressiveOptimization: they are never precompiled
/// (ReadyToRun) and would otherwise be compiled on their first call, by the reader's threads, when the file is
/// already being read. Start-up uses one core; this puts the other to work.
/// </summary>
public static class StageWarmup
{
    private static readonly Type[] HotTypes =
    {
        typeof(CsvMemberReader), typeof(ValueParsers), typeof(CsvSyntax), typeof(IdIndex), typeof(MemberStageRunner),
    };

    private static int _started;

    /// <summary>Starts compiling, once per process, on a background thread; returns at once.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }
        var thread = new Thread(Compile) { IsBackground = true, Name = "vbc warm-up" };
        thread.Start();
    }

    private static void Compile()
    {
        foreach (var type in HotTypes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0 && !method.ContainsGenericParameters)
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
        }
    }
}
