# Sourced by the ingest benchmarks (run.sh, gateway-route.sh): where the receivers write, the clock, a receiver's CPU
# time, waiting for its port, the JDK 25 of the j25 and aot variants.

# Where the receivers write. This machine's disk is ext4 without a journal, and there every file creation scans the inode group's recently
# deleted inodes (kernel: find_inode_bit -> recently_deleted, done only without a journal): 500-1,000 us per create
# in a directory whose group saw many deletions in the last minute, 40-60 us in another, so a receiver's rate
# depended on where its directory happened to land. By default (OUT_FS=auto, as root with a free loop device) the
# receivers write to one fresh journaled ext4 made for the run, as a production disk would be; OUT_FS=host writes to
# WORKDIR's file system; OUT_BASE=dir picks a directory.

# mount_out_fs WORKDIR: exports OUT_BASE (unless set) and sets OUT_FS_MOUNTED=1 when it mounted an image there.
mount_out_fs() {
  OUT_FS_MOUNTED=""
  [ -z "${OUT_BASE:-}" ] && [ "${OUT_FS:-auto}" != host ] || return 0
  if [ "$(id -u)" = 0 ] && command -v mkfs.ext4 >/dev/null && losetup -f >/dev/null 2>&1; then
    umount "$1/out-fs" 2>/dev/null || true
    rm -f "$1/out-fs.img"; truncate -s 4G "$1/out-fs.img"; mkfs.ext4 -q -F "$1/out-fs.img"
    mkdir -p "$1/out-fs"; mount -o loop "$1/out-fs.img" "$1/out-fs"
    export OUT_BASE="$1/out-fs"; OUT_FS_MOUNTED=1
  elif [ "${OUT_FS:-auto}" = ext4 ]; then
    echo "OUT_FS=ext4 needs root, mkfs.ext4 and a free loop device" >&2; exit 1
  else
    echo "note: no loop device; receivers write to $1's file system" >&2
  fi
}

# unmount_out_fs WORKDIR: undoes mount_out_fs.
unmount_out_fs() { if [ -n "${OUT_FS_MOUNTED:-}" ]; then umount "$1/out-fs" && rm -f "$1/out-fs.img"; fi; }

# out_fs: the receivers' file system, and whether it has a journal (a jbd2 entry for its device).
out_fs() {
  local src; src=$(findmnt -n -o SOURCE -T "$OUT_BASE")
  echo "$OUT_BASE: $(findmnt -n -o FSTYPE -T "$OUT_BASE") on $src, $(ls /proc/fs/jbd2 2>/dev/null | grep -q "^$(basename "$src")-" \
    && echo journal || echo "no journal")"
}

now() { date +%s.%N; }

# The JDK 25 that the j25 and aot variants run on (Temurin 25 on these machines).
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"

# CPU time a receiver process has used, in clock ticks: user + system, its own and that of its reaped children
# (storescp --fork serves each association in a child).
cpu_ticks() { local s; s=($(sed 's/.*) //' "/proc/$1/stat")); echo $(( s[11] + s[12] + s[13] + s[14] )); }
CLK_TCK=$(getconf CLK_TCK)

# wait_port PORT [TRIES]: until something accepts on 127.0.0.1:PORT, 0.1 s per try (default 300), else exit 1.
wait_port() {
  for _ in $(seq 1 "${2:-300}"); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done
  echo "port $1 never opened" >&2; exit 1
}

# start_postgres DIR PORT: Debian's PostgreSQL (package postgresql), run as the postgres user with its data in DIR,
# listening on 127.0.0.1:PORT only, with a database "distillery". A throw-away benchmark server: trust
# authentication on loopback, every other setting (fsync included) as shipped. DIR's parents must be searchable by
# the postgres user.
start_postgres() {
  rm -rf "$1"; mkdir -p "$1"; chown postgres:postgres "$1"
  runuser -u postgres -- "$(pg_bin)/initdb" -D "$1/data" -U postgres --auth=trust >"$1/initdb.log" 2>&1
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$1/data" -w -l "$1/server.log" \
    -o "-p $2 -c listen_addresses=127.0.0.1 -c unix_socket_directories=$1" start >/dev/null
  psql -h 127.0.0.1 -p "$2" -U postgres -qc "create database distillery"
}

# stop_postgres DIR: stops the server start_postgres started in DIR, if it runs.
stop_postgres() {
  [ -f "$1/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$1/data" -m fast stop >/dev/null
}

# pg_bin: the newest installed PostgreSQL server's bin directory.
pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# pg_cpu_ticks DIR: CPU time of that server in clock ticks: the postmaster and its reaped children, plus the live
# backends and background processes (its children).
pg_cpu_ticks() {
  local pm c t; pm=$(head -n 1 "$1/data/postmaster.pid"); t=$(cpu_ticks "$pm")
  for c in $(pgrep -P "$pm"); do t=$(( t + $(cpu_ticks "$c" 2>/dev/null) )); done   # 0 for one gone meanwhile
  echo "$t"
}
