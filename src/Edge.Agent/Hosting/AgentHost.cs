using Edge.Agent.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Formatting.Compact;

namespace Edge.Agent.Hosting;

/// <summary>The Generic Host of <c>edge agent</c>: systemd integration (Type=notify), Serilog on the console.</summary>
public static class AgentHost
{
    /// <param name="compactJson">Log as compact JSON (one event per line) instead of text.</param>
    public static IHost Build(AgentConfig config, bool compactJson)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext();
            if (compactJson)
                logger.WriteTo.Console(new CompactJsonFormatter());
            else
                logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        });
        builder.Services.AddSingleton(config);
        builder.Services.AddHostedService<AgentService>();
        return builder.Build();
    }
}
