namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// fork() after C_Initialize: the child must not hang and must answer CKR_CRYPTOKI_NOT_INITIALIZED
/// until it initializes again. Driven by a small C program (Fork/fork_child.c) compiled with gcc.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class ForkTests(NativeServerFixture fixture)
{
    [Fact]
    public void A_forked_child_answers_not_initialized_and_the_parent_keeps_working()
    {
        var output = RunForkProgram(reinitializeInChild: false);

        Assert.Contains("parent C_Initialize 0x0", output);
        Assert.Contains("parent C_GetSlotList 0x0 count 2", output);
        Assert.Contains("child C_GetSlotList 0x190", output);
        Assert.Contains("child exit 0 signal 0", output);
        Assert.Contains("parent again C_GetSlotList 0x0 count 2", output);
    }

    /// <summary>
    /// The NativeAOT runtime's thread pool and socket threads do not survive fork(): a child that
    /// re-initialized would hang on its first server call, so C_Initialize refuses at once and says why.
    /// </summary>
    [Fact]
    public void A_forked_child_cannot_initialize_again_and_is_told_why()
    {
        var output = RunForkProgram(reinitializeInChild: true);

        Assert.Contains("child C_GetSlotList 0x190", output);
        Assert.Contains("child C_Initialize 0x6", output);
        Assert.Contains("child C_GetSlotList after initialize 0x190", output);
        Assert.Contains("child exit 0 signal 0", output);
        Assert.Contains("C_Initialize refused in a fork() child", output);
    }

    private string RunForkProgram(bool reinitializeInChild)
    {
        var program = Path.Combine(fixture.Directory.FullName, "fork_child");
        if (!File.Exists(program))
        {
            var source = Path.Combine(AppContext.BaseDirectory, "Fork", "fork_child.c");
            var compiled = ToolProcess.Run("gcc", new Dictionary<string, string>(), "-o", program, source, "-ldl");
            Assert.True(compiled.ExitCode == 0, compiled.StandardError);
        }

        string[] arguments = reinitializeInChild ? [NativeModule.Path, "reinitialize"] : [NativeModule.Path];
        var result = ToolProcess.Run(program, new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = fixture.ConfigPath }, arguments);
        Assert.True(result.ExitCode == 0, $"fork program exited {result.ExitCode}: {result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput + "\n" + fixture.Log();
    }
}
