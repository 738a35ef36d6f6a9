# The unprivileged test user of scripts/setup-machine: account, subordinate ids, runtime
# directory and a virtualenv with composer. Sourced; uses say, write_if_changed, TEST_* and REPO.

test_uid() {
    id -u "$TEST_USER"
}

# Runs a command as the test user with a clean, predictable environment.
as_test_user() {
    runuser -u "$TEST_USER" -- env "HOME=$TEST_HOME" "XDG_RUNTIME_DIR=/run/user/$(test_uid)" \
        "PATH=$TEST_VENV/bin:/usr/local/bin:/usr/bin:/bin" "$@"
}

ensure_account() {
    if id -u "$TEST_USER" >/dev/null 2>&1; then
        say ok "test user $TEST_USER exists (uid $(test_uid))"
        return
    fi
    if useradd --create-home --home-dir "$TEST_HOME" --shell /bin/bash --user-group "$TEST_USER"; then
        say fixed "test user $TEST_USER created (uid $(test_uid))"
    else
        say problem "cannot create test user $TEST_USER"
    fi
}

# First id after every range already handed out in /etc/subuid and /etc/subgid.
next_free_subid() {
    awk -F: -v min=100000 '
        NF >= 3 { end = $2 + $3; if (end > min) min = end }
        END { print min }' /etc/subuid /etc/subgid
}

# Prints "start count" of the user's range in FILE, or nothing.
subid_range() {
    awk -F: -v u="$TEST_USER" -v uid="$(test_uid)" \
        '($1 == u || $1 == uid) && NF >= 3 { print $2, $3; exit }' "$1"
}

# True when the user's range is big enough and overlaps nobody else's.
subid_range_ok() {
    local file=$1 start count
    read -r start count < <(subid_range "$file")
    [ -n "${count:-}" ] && [ "$count" -ge "$SUBID_SIZE" ] || return 1
    awk -F: -v u="$TEST_USER" -v uid="$(test_uid)" -v s="$start" -v c="$count" '
        $1 != u && $1 != uid && NF >= 3 && $2 < s + c && s < $2 + $3 { bad = 1 }
        END { exit bad }' /etc/subuid /etc/subgid
}

ensure_subids() {
    if subid_range_ok /etc/subuid && subid_range_ok /etc/subgid; then
        say ok "subuid/subgid: $TEST_USER has $(subid_range /etc/subuid | tr ' ' +) of its own"
        return
    fi
    local start end
    start=$(next_free_subid)
    end=$((start + SUBID_SIZE - 1))
    touch /etc/subuid /etc/subgid
    sed -i "/^$TEST_USER:/d; /^$(test_uid):/d" /etc/subuid /etc/subgid
    if usermod --add-subuids "$start-$end" --add-subgids "$start-$end" "$TEST_USER"; then
        # Podman keeps the old mapping in its storage until told to migrate.
        as_test_user podman system migrate >/dev/null 2>&1 || true
        say fixed "subuid/subgid: $TEST_USER got $start-$end"
    else
        say problem "subuid/subgid: usermod failed for $TEST_USER"
    fi
}

# Without a login session nobody makes /run/user/UID; rootless Podman keeps its state there.
ensure_runtime_dir() {
    local dir uid
    uid=$(test_uid)
    dir=/run/user/$uid
    if [ -d "$dir" ] && [ "$(stat -c '%u %a' "$dir")" = "$uid 700" ]; then
        say ok "runtime directory $dir"
        return
    fi
    mkdir -p "$dir"
    chown "$TEST_USER:" "$dir"
    chmod 0700 "$dir"
    say fixed "runtime directory $dir created"
}

# What the installed composer was made from: a changed pyproject means reinstalling.
install_stamp() {
    printf '%s %s\n' "$REPO" "$(sha256sum "$REPO/pyproject.toml" | cut -c1-16)"
}

venv_current() {
    [ -x "$TEST_VENV/bin/composer" ] &&
        [ "$(cat "$TEST_VENV/.composer-install" 2>/dev/null)" = "$(install_stamp)" ] &&
        as_test_user composer version >/dev/null 2>&1
}

# The venv comes from Debian's python (a pyenv build under /root is not executable by the
# user) and holds an editable install, so rootless tests run the checkout's current code.
ensure_venv() {
    if ! as_test_user test -r "$REPO/pyproject.toml" -a -x "$REPO/composer"; then
        say problem "$TEST_USER cannot read the checkout $REPO (make it and its parents o+rx)"
        return
    fi
    if venv_current; then
        say ok "virtualenv $TEST_VENV has composer from $REPO"
        return
    fi
    if [ ! -x "$TEST_VENV/bin/python" ]; then
        as_test_user "$SYSTEM_PYTHON" -m venv "$TEST_VENV" || {
            say problem "cannot create $TEST_VENV with $SYSTEM_PYTHON"
            return
        }
    fi
    if as_test_user "$TEST_VENV/bin/pip" install --quiet --disable-pip-version-check \
        -e "$REPO" >/tmp/composer-setup-pip.log 2>&1 && as_test_user composer version >/dev/null; then
        install_stamp >"$TEST_VENV/.composer-install"
        say fixed "virtualenv $TEST_VENV: composer installed from $REPO"
    else
        say problem "installing composer into $TEST_VENV failed (see /tmp/composer-setup-pip.log)"
    fi
}

user_storage_driver() {
    as_test_user podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null
}

# Rootless Podman 4.3 with no storage.conf falls back to vfs, which copies every layer. The
# kernel's own rootless overlay (5.13+) is fast; fuse-overlayfs is the fallback for older ones.
overlay_config() {
    local probe
    probe=$(as_test_user mktemp -d)
    if as_test_user podman --storage-driver overlay --root "$probe/root" \
        --runroot "$probe/run" info >/dev/null 2>&1; then
        printf '[storage]\ndriver = "overlay"\n'
    else
        chmod 0666 /dev/fuse
        printf '[storage]\ndriver = "overlay"\n[storage.options.overlay]\n'
        printf 'mount_program = "/usr/bin/fuse-overlayfs"\n'
    fi
    as_test_user podman unshare rm -rf "$probe" 2>/dev/null
}

ensure_storage_driver() {
    local conf=$TEST_HOME/.config/containers/storage.conf
    if [ "$(user_storage_driver)" = overlay ]; then
        say ok "rootless storage driver: overlay"
        return
    fi
    as_test_user mkdir -p "$(dirname "$conf")"
    overlay_config | as_test_user tee "$conf" >/dev/null
    # The old vfs store only holds test images, which build-test-images loads again.
    as_test_user podman system reset --force >/dev/null 2>&1
    if [ "$(user_storage_driver)" = overlay ]; then
        say fixed "rootless storage driver: overlay ($conf)"
    else
        say problem "rootless storage driver is $(user_storage_driver), not overlay"
    fi
}

setup_test_user() {
    ensure_account
    id -u "$TEST_USER" >/dev/null 2>&1 || return
    ensure_subids
    ensure_runtime_dir
    ensure_storage_driver
    ensure_venv
}
