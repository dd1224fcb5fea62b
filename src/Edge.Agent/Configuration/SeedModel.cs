namespace Edge.Agent.Configuration;

/// <summary>A model file installed into the store at start when no version of <see cref="Name"/> is current.</summary>
public sealed record SeedModel(string Name, string Version, string Path);
