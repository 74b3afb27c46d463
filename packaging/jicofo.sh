#!/bin/bash
# Starts jicofo-native where Jitsi's jicofo.sh started the Java daemon, so that what runs it (the systemd unit,
# docker-jitsi-meet, an operator's own scripts) keeps working unchanged:
# - JAVA_SYS_PROPS: -Dconfig.file=FILE becomes --config FILE, -Djava.util.logging.config.file=FILE becomes
#   --logging-properties FILE; other -D properties mean nothing to a native daemon and are ignored.
# - JICOFO_MAX_MEMORY (the JVM heap) is ignored.
# - The old --domain, --host, --user_name, --user_domain and --user_password flags are accepted and ignored, as
#   Jicofo ignores them (jicofo.conf has the XMPP account); other arguments are passed on to jicofo.
set -euo pipefail

JICOFO_BINARY=${JICOFO_BINARY:-/usr/bin/jicofo}
DEFAULT_CONFIG=/etc/jitsi/jicofo/jicofo.conf

if [[ "${1:-}" == "--help" ]]; then
    echo "Usage: $0 [jicofo options]"
    echo
    echo "Supported environment variables: JAVA_SYS_PROPS (-Dconfig.file=, -Djava.util.logging.config.file=)."
    echo "JICOFO_MAX_MEMORY is accepted and ignored."
    exit 1
fi

config_file=""
logging_file=""
read -r -a properties <<<"${JAVA_SYS_PROPS:-}"
for property in "${properties[@]}"; do
    case "$property" in
        -Dconfig.file=*) config_file=${property#-Dconfig.file=} ;;
        -Djava.util.logging.config.file=*) logging_file=${property#-Djava.util.logging.config.file=} ;;
    esac
done

if [[ -z "$config_file" ]]; then
    if [[ -f "$DEFAULT_CONFIG" ]]; then
        config_file=$DEFAULT_CONFIG
    else
        echo
        echo "To run jicofo you need a configuration file. Use environment variable JAVA_SYS_PROPS."
        echo "e.g. export JAVA_SYS_PROPS=\"-Dconfig.file=$DEFAULT_CONFIG\""
        echo
        exit 2
    fi
fi

arguments=(--config "$config_file")
if [[ -n "$logging_file" ]]; then
    if [[ -f "$logging_file" ]]; then
        arguments+=(--logging-properties "$logging_file")
    else
        # java.util.logging starts with its defaults when the file is missing; so do we.
        echo "jicofo.sh: $logging_file not found, logging as jicofo.conf says" >&2
    fi
fi

while (($# > 0)); do
    case "$1" in
        --domain=* | --host=* | --user_name=* | --user_domain=* | --user_password=*) ;;
        --domain | --host | --user_name | --user_domain | --user_password)
            if (($# > 1)); then shift; fi
            ;;
        *) arguments+=("$1") ;;
    esac
    shift
done

exec "$JICOFO_BINARY" "${arguments[@]}"
