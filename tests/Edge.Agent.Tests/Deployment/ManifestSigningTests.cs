using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Edge.Agent.Configuration;
using Edge.Agent.Deployment;

namespace Edge.Agent.Tests.Deployment;

public class ManifestSigningTests
{
    private static readonly byte[] Model = Encoding.ASCII.GetBytes("not really a model, but bytes with a hash");
    private static string Sha => Convert.ToHexStringLower(SHA256.HashData(Model));

    private static DeployManifest Build(ECDsa? key, string version = "2.0", long? size = null, bool force = false, Action<JsonObject>? tamper = null)
    {
        var json = DeployManifest.Create("m", version, Sha, size ?? Model.Length, "t1", 16, force);
        if (key is not null)
            ManifestSigner.Sign(json, key);
        tamper?.Invoke(json);
        return DeployManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    [Fact]
    public void A_manifest_signed_by_a_trusted_key_passes()
    {
        using var key = TestKeys.New();
        using var trusted = new TrustedKeys([TestKeys.New(), key]);
        new DeployChecks(trusted, allowUnsigned: false, maxModelBytes: 1000).BeforeTransfer(Build(key), ModelVersion.Parse("1.0"));
    }

    [Fact]
    public void The_signature_covers_content_not_formatting()
    {
        using var key = TestKeys.New();
        var json = ManifestSigner.Sign(DeployManifest.Create("m", "2.0", Sha, Model.Length, "t1", 16), key);
        // Same members, reordered and indented: still the same canonical form.
        var reordered = new JsonObject(json.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var manifest = DeployManifest.Parse(Encoding.UTF8.GetBytes(reordered.ToJsonString(new() { WriteIndented = true })));
        using var trusted = new TrustedKeys([key]);
        trusted.Verify(manifest, allowUnsigned: false);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("sha256")]
    [InlineData("extra")]
    public void A_changed_field_breaks_the_signature(string field)
    {
        using var key = TestKeys.New();
        using var trusted = new TrustedKeys([key]);
        var manifest = Build(key, tamper: j => j[field] = field == "sha256" ? new string('0', 64) : "9.9");
        var e = Assert.Throws<DeployRefusedException>(() => trusted.Verify(manifest, allowUnsigned: false));
        Assert.Equal(DeployRefusal.BadSignature, e.Reason);
    }

    [Fact]
    public void A_signature_from_an_unknown_key_is_refused_as_untrusted()
    {
        using var key = TestKeys.New();
        using var trusted = new TrustedKeys([TestKeys.New()]);
        var e = Assert.Throws<DeployRefusedException>(() => trusted.Verify(Build(key), allowUnsigned: false));
        Assert.Equal(DeployRefusal.UntrustedKey, e.Reason);
        Assert.Contains(SigningKeys.KeyId(key), e.Message);
    }

    [Fact]
    public void Unsigned_manifests_pass_only_where_the_config_allows_them()
    {
        using var trusted = new TrustedKeys([]);
        var e = Assert.Throws<DeployRefusedException>(() => trusted.Verify(Build(null), allowUnsigned: false));
        Assert.Equal(DeployRefusal.Unsigned, e.Reason);
        trusted.Verify(Build(null), allowUnsigned: true);
    }

    [Fact]
    public void A_model_over_the_size_limit_is_refused_before_transfer()
    {
        using var trusted = new TrustedKeys([]);
        var e = Assert.Throws<DeployRefusedException>(() => new DeployChecks(trusted, true, maxModelBytes: 10).BeforeTransfer(Build(null), null));
        Assert.Equal(DeployRefusal.TooLarge, e.Reason);
    }

    [Theory]
    [InlineData("1.0", false, true)]
    [InlineData("1.5", false, true)]
    [InlineData("1.0", true, false)]
    [InlineData("1.6", false, false)]
    public void A_version_not_newer_than_the_active_one_needs_force(string version, bool force, bool refused)
    {
        using var trusted = new TrustedKeys([]);
        var checks = new DeployChecks(trusted, true, 1000);
        var manifest = Build(null, version, force: force);
        if (refused)
            Assert.Equal(DeployRefusal.NotNewer, Assert.Throws<DeployRefusedException>(() => checks.BeforeTransfer(manifest, ModelVersion.Parse("1.5"))).Reason);
        else
            checks.BeforeTransfer(manifest, ModelVersion.Parse("1.5"));
    }

    [Fact]
    public void Bytes_that_do_not_match_the_manifest_are_refused()
    {
        var manifest = Build(null);
        DeployChecks.AfterTransfer(manifest, Model);
        byte[] flipped = (byte[])Model.Clone();
        flipped[3] ^= 1;
        Assert.Equal(DeployRefusal.HashMismatch, Assert.Throws<DeployRefusedException>(() => DeployChecks.AfterTransfer(manifest, flipped)).Reason);
        Assert.Equal(DeployRefusal.Truncated, Assert.Throws<DeployRefusedException>(() => DeployChecks.AfterTransfer(manifest, Model[..^1])).Reason);
    }

    [Theory]
    [InlineData("""{"name":"m"}""", "manifest version: required")]
    [InlineData("""{"name":"a/b","version":"1","sha256":"x","size":1,"transferId":"t","chunkSize":1}""", "manifest name: 'a/b' is not a valid model name")]
    [InlineData("""{"name":"m","version":"1","sha256":"AB","size":1,"transferId":"t","chunkSize":1}""", "manifest sha256: expected 64 lower-case hex digits")]
    [InlineData("[1]", "manifest (root): expected a JSON object")]
    public void A_malformed_manifest_is_refused_naming_the_field(string json, string message)
    {
        var e = Assert.Throws<DeployRefusedException>(() => DeployManifest.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(DeployRefusal.InvalidManifest, e.Reason);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Keygen_pem_files_round_trip_to_the_same_key_id()
    {
        using var temp = new TempFolder();
        var (privatePem, publicPem) = SigningKeys.Generate();
        File.WriteAllText(temp.File("k.pem"), privatePem);
        File.WriteAllText(temp.File("k.pub.pem"), publicPem);
        using var priv = SigningKeys.LoadPem(temp.File("k.pem"));
        using var trusted = TrustedKeys.Load([temp.File("k.pub.pem")]);
        trusted.Verify(Build(priv), allowUnsigned: false);
    }
}
