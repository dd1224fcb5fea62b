using Edge.Agent.Store;

namespace Edge.Agent.Tests.Store;

public class ModelStoreTests
{
    private static readonly byte[] Old = [1, 2, 3, 4];
    private static readonly byte[] New = [5, 6, 7, 8, 9];

    [Fact]
    public void An_installed_version_becomes_current_only_when_set()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 3);
        store.Install("m", "1.0", Old);
        Assert.Null(store.GetCurrent("m"));
        store.SetCurrent("m", "1.0");
        Assert.Equal("1.0", store.GetCurrent("m"));
        Assert.Equal(Old, File.ReadAllBytes(store.ModelPath("m", "1.0")));
        Assert.Equal(["m"], store.Names());
    }

    [Fact]
    public void Only_the_newest_versions_are_kept_and_the_current_one_never_goes()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 2);
        foreach (string v in new[] { "1", "2", "10" })
        {
            store.Install("m", v, Old);
            store.SetCurrent("m", v);
        }
        Assert.Equal(["2", "10"], store.Versions("m"));
        store.Install("m", "3", Old);
        store.SetCurrent("m", "3"); // a rollback-like move to an older-than-newest version
        Assert.Contains("3", store.Versions("m"));
        Assert.Equal(2, store.Versions("m").Count);
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_no_trace_and_the_old_model_current()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 3);
        store.Install("m", "1", Old);
        store.SetCurrent("m", "1");
        Assert.Throws<IOException>(() => store.Install("m", "2", s => { s.Write(New, 0, 2); throw new IOException("disk full"); }));
        Assert.False(File.Exists(store.ModelPath("m", "2")));
        Assert.Equal("1", store.GetCurrent("m"));
        Assert.Equal(["1"], store.Versions("m"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.Root, "m", "2")));
    }

    /// <summary>
    /// A kill can stop the agent at any byte of either durable write. For every prefix of the new
    /// model's temp file and of the new pointer's temp file, the reopened store must still serve the
    /// old model, and clear the leftovers.
    /// </summary>
    [Fact]
    public void A_kill_at_any_point_never_makes_a_partial_model_current()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 3);
        store.Install("m", "1", Old);
        store.SetCurrent("m", "1");
        string versionFolder = Path.Combine(store.Root, "m", "2");
        string pointerTemp = Path.Combine(store.Root, "m", ".current.0123.tmp");
        byte[] newPointer = "2\n"u8.ToArray();

        for (int cut = 0; cut <= New.Length; cut++)
        {
            // Killed while writing the model (its temp file holds a prefix; maybe only the folder exists).
            Directory.CreateDirectory(versionFolder);
            File.WriteAllBytes(Path.Combine(versionFolder, ".model.onnx.0123.tmp"), New[..cut]);
            AssertOldIsCurrentAfterReopen(temp.Path);
            Assert.False(Directory.Exists(versionFolder));
        }

        for (int cut = 0; cut <= newPointer.Length; cut++)
        {
            // Killed after the model was renamed into place, while writing the pointer.
            var reopened = new ModelStore(temp.Path, keepVersions: 3);
            reopened.Install("m", "2", New);
            File.WriteAllBytes(pointerTemp, newPointer[..cut]);
            AssertOldIsCurrentAfterReopen(temp.Path);
            Assert.False(File.Exists(pointerTemp));
            Assert.Contains("2", new ModelStore(temp.Path, 3).Versions("m")); // complete, just not live
            Directory.Delete(versionFolder, recursive: true);
        }
    }

    [Fact]
    public void A_pointer_to_a_version_without_its_model_is_not_current()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 3);
        Directory.CreateDirectory(Path.Combine(store.Root, "m", "5"));
        File.WriteAllText(Path.Combine(store.Root, "m", "current"), "5\n");
        Assert.Null(store.GetCurrent("m"));
        Assert.Throws<InvalidOperationException>(() => store.SetCurrent("m", "5"));
    }

    [Fact]
    public void Discard_removes_a_version_that_never_went_live()
    {
        using var temp = new TempFolder();
        var store = new ModelStore(temp.Path, keepVersions: 3);
        store.Install("m", "1", Old, manifestJson: "{}");
        store.SetCurrent("m", "1");
        store.Install("m", "2", New, manifestJson: "{\"v\":2}");
        Assert.Equal("{\"v\":2}", store.ReadManifest("m", "2"));
        store.Discard("m", "2");
        Assert.Equal(["1"], store.Versions("m"));
        Assert.Throws<InvalidOperationException>(() => store.Discard("m", "1"));
    }

    private static void AssertOldIsCurrentAfterReopen(string stateDir)
    {
        var store = new ModelStore(stateDir, keepVersions: 3);
        Assert.Equal("1", store.GetCurrent("m"));
        Assert.Equal(Old, File.ReadAllBytes(store.ModelPath("m", "1")));
        Assert.DoesNotContain(Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories), DurableFile.IsTemp);
    }
}
