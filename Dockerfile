# The orders image: one static binary; its argument picks the role:
#   docker run IMAGE api | worker | migrate up | register-search-attributes
# Build: docker build -t orders . (deploy/scripts/build.sh tags it).
# CI builds the binary with the same `make release` and runs its --help.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
	make release

# scratch: nothing but the binary, the CA certificates (hosted Temporal,
# SMTP over TLS, OTLP) and an unprivileged user.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/bin/orders-release /orders
USER 65532:65532
# the API, and the worker's metrics and health listener
EXPOSE 8000 9464
ENTRYPOINT ["/orders"]
CMD ["api"]
