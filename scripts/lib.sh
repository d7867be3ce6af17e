# shellcheck shell=bash
# Small helpers the scripts share (sourced, not run).

say() { printf '%s\n' "$*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid of the process listening on a loopback TCP port, if ss can see it (root sees all).
pid_on_port() {
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}

# A process's command line, its arguments separated by spaces.
cmdline_of() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | sed 's/ $//'
}

# The same, cut to a length that reads well in a message (a JVM's class path can be huge).
shown_cmdline_of() {
  local line
  line=$(cmdline_of "$1")
  if ((${#line} > 400)); then line="${line:0:400}..."; fi
  say "$line"
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}
