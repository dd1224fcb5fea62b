# The Edge device agent in a container: `docker build -t edge-agent .`, then
#   docker run -v edge-state:/var/lib/edge -p 9464:9464 edge-agent --broker mqtt://BROKER:1883 --device-id DEVICE
# (arguments after the image name are appended to `edge agent --config /etc/edge/agent.json`).

# --- build: restore on the project files alone (a layer that survives source edits), then publish.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Edge.Onnx/Edge.Onnx.csproj src/Edge.Onnx/
COPY src/Edge.Runtime/Edge.Runtime.csproj src/Edge.Runtime/
COPY src/Edge.Runtime.Ilgpu/Edge.Runtime.Ilgpu.csproj src/Edge.Runtime.Ilgpu/
COPY src/Edge.Quantization/Edge.Quantization.csproj src/Edge.Quantization/
COPY src/Edge.Agent/Edge.Agent.csproj src/Edge.Agent/
COPY src/Edge.Cli/Edge.Cli.csproj src/Edge.Cli/
RUN dotnet restore src/Edge.Cli/Edge.Cli.csproj
COPY src/ src/
COPY samples/ samples/
RUN dotnet publish src/Edge.Cli/Edge.Cli.csproj -c Release --no-restore -o /app

# --- runtime: the .NET runtime only, the published agent (with the bundled sample model), one config.
FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
COPY device-configs/docker.json /etc/edge/agent.json
# The state directory (model store, transfers) belongs to the image's non-root user and lives in a volume.
RUN mkdir -p /var/lib/edge && chown "$APP_UID" /var/lib/edge
VOLUME /var/lib/edge
# Prometheus metrics (metricsListen in docker.json).
EXPOSE 9464
USER $APP_UID
ENTRYPOINT ["/app/edge", "agent", "--config", "/etc/edge/agent.json"]
