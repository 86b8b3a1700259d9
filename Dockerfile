# syntax=docker/dockerfile:1
# Build: docker build -t jiuzhu .
# Run:   docker run -p 8080:8080 -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... jiuzhu

FROM rust:1.95-slim-bookworm AS build
# nasm: libjpeg-turbo's SIMD code (the `fast-jpeg` feature) is assembled from source.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nasm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p api --bin jiuzhu \
    && cp target/release/jiuzhu /jiuzhu

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/jiuzhu --create-home jiuzhu
COPY --from=build /jiuzhu /usr/local/bin/jiuzhu
USER 10001
WORKDIR /var/lib/jiuzhu
ENV JIUZHU__SERVER__HOST=0.0.0.0 \
    JIUZHU__SERVER__PORT=8080 \
    JIUZHU__DATA_DIR=/var/lib/jiuzhu
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["jiuzhu", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["jiuzhu"]
CMD ["serve"]
