# End-to-end checks of scripts/setup-machine: Podman works for root and for the test user,
# offline. Sourced; uses say, as_test_user (lib/test-user.bash), HERE and TEST_USER.

PROBE_IMAGE=localhost/composer/busybox:latest
PAUSE_IMAGE_PREFIX=localhost/podman-pause:

# Runs podman as root ("root") or as the test user ("user").
podman_as() {
    local who=$1
    shift
    if [ "$who" = root ]; then
        podman "$@"
    else
        as_test_user podman "$@"
    fi
}

# A port nobody listens on, for the published-port probe.
free_port() {
    local port
    for port in $(seq "$1" $(($1 + 200))); do
        if [ -z "$(ss -Htln "sport = :$port")" ]; then
            echo "$port"
            return
        fi
    done
    return 1
}

check_podman_info() {
    local who=$1 summary
    if summary=$(podman_as "$who" info --format \
        '{{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupsVersion}}, {{.Store.GraphDriverName}}' \
        2>&1); then
        say ok "podman info ($who): $summary"
        return 0
    fi
    say problem "podman info ($who) fails: ${summary##*$'\n'}"
    return 1
}

check_container_runs() {
    local who=$1 out
    # shellcheck disable=SC2016 # the container's shell does the arithmetic
    if out=$(podman_as "$who" run --rm --network none "$PROBE_IMAGE" sh -c 'echo $(( 6 * 7 ))' \
        2>&1) && [ "$out" = 42 ]; then
        say ok "a container runs ($who)"
        return 0
    fi
    say problem "a container does not run ($who): ${out##*$'\n'}"
    return 1
}

fetch_probe_page() {
    local port=$1 _
    for _ in $(seq 20); do
        if curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# A pod with an infra container (Podman builds its pause image locally from catatonit; it
# must never try to pull k8s.gcr.io/pause) whose published port answers on 127.0.0.1.
check_pod_with_port() {
    local who=$1 pod port infra infra_image page
    pod=composer-setup-probe-$who-$$
    port=$(free_port "$([ "$who" = root ] && echo 18400 || echo 18700)") || {
        say problem "no free port for the pod probe ($who)"
        return 1
    }
    if ! podman_as "$who" pod create --name "$pod" --publish "127.0.0.1:$port:80" >/dev/null 2>&1 ||
        ! podman_as "$who" run -d --pod "$pod" --name "$pod-web" "$PROBE_IMAGE" sh -c \
            'mkdir -p /www && echo composer-probe > /www/index.html && exec httpd -f -p 80 -h /www' \
            >/dev/null 2>&1; then
        say problem "cannot create a pod with infra and a published port ($who)"
        podman_as "$who" pod rm -f "$pod" >/dev/null 2>&1
        return 1
    fi
    infra=$(podman_as "$who" pod inspect --format '{{.InfraContainerID}}' "$pod")
    infra_image=$(podman_as "$who" inspect --format '{{.ImageName}}' "$infra" 2>/dev/null)
    page=$(fetch_probe_page "$port")
    podman_as "$who" pod rm -f -t 0 "$pod" >/dev/null 2>&1
    if [[ "$infra_image" != "$PAUSE_IMAGE_PREFIX"* ]]; then
        say problem "pod infra image is '$infra_image', not Podman's local pause image ($who)"
    elif [ "$page" != composer-probe ]; then
        say problem "published port 127.0.0.1:$port does not answer ($who)"
    else
        say ok "pod with infra ($infra_image) answers on 127.0.0.1:$port ($who)"
    fi
}

# The probe image is the small busybox test image; build-test-images reuses it later.
probe_image_for() {
    local who=$1 args=(--no-user busybox)
    if [ "$who" = user ]; then
        args=(busybox)
    fi
    if "$HERE/build-test-images" "${args[@]}" >"/tmp/composer-setup-images-$who.log" 2>&1; then
        return 0
    fi
    say problem "cannot make $PROBE_IMAGE ($who; see /tmp/composer-setup-images-$who.log)"
    return 1
}

check_podman_for() {
    local who=$1
    check_podman_info "$who" || return
    probe_image_for "$who" || return
    check_container_runs "$who" || return
    check_pod_with_port "$who"
}

run_podman_checks() {
    check_podman_for root
    if id -u "$TEST_USER" >/dev/null 2>&1; then
        check_podman_for user
    fi
}
