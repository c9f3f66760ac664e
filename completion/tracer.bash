# tracer.bash - bash completion for tracer(8).
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Installed as share/bash-completion/completions/tracer. Self-contained: it
# uses bash-completion's helpers when they are loaded, plain compgen if not.
# Keep the option lists in sync with `tracer --help` and man/tracer.8
# (tests/e2e/test_docs.py checks all three).

_tracer_opts_arg="--output --count --buffer-size --policy --preset --events --pid
	--container-id --pod --container-root --color --time --relinquish-privileges
	--write --read --html --file-size --file-count --node-name --cluster-name --node-label
	--syslog --syslog-ca --syslog-cert --syslog-key
	--pre-trigger --post-trigger --pre-trigger-size --story
	--evidence --evidence-file-max --evidence-total-max --evidence-rate
	--binary --path-prefix --daddr --dport --hooks"
_tracer_opts_flag="--line-buffered --quiet --verbose --json-zeros --no-process-cred
	--no-process-ns --host --container
	--monitor --check --print-policy --list-presets --help --usage --version
	--ancestors --verify"
_tracer_formats="compact json csv"
_tracer_events="exec exit connect open dup mount"

# Completes the comma-separated -e list: "exec,con" -> "exec,connect".
_tracer_list()
{
	local cur=$1 done="" last w
	if [[ $cur == *,* ]]; then
		done=${cur%,*},
		last=${cur##*,}
	else
		last=$cur
	fi
	for w in $_tracer_events; do
		[[ ,$done == *,$w,* ]] && continue
		[[ $w == "$last"* ]] && COMPREPLY+=("$done$w")
	done
}

_tracer_files()
{
	local cur=$1 which=$2
	if declare -F _filedir >/dev/null; then
		if [[ $which == yaml ]]; then
			_filedir '@(yaml|yml)'
		else
			_filedir
		fi
		return
	fi
	compopt -o filenames 2>/dev/null
	COMPREPLY+=($(compgen -d -- "$cur"))
	if [[ $which == yaml ]]; then
		COMPREPLY+=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur"))
	else
		COMPREPLY+=($(compgen -f -- "$cur"))
	fi
}

# Values of the option opt (with or without '='); returns 1 when opt takes
# none.
_tracer_value()
{
	local opt=$1 cur=$2
	case $opt in
	-o | --output)
		COMPREPLY=($(compgen -W "$_tracer_formats" -- "$cur"))
		;;
	-e | --events)
		_tracer_list "$cur"
		compopt -o nospace 2>/dev/null
		;;
	-p | --policy)
		_tracer_files "$cur" yaml
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		;;
	--time)
		COMPREPLY=($(compgen -W "iso epoch delta none" -- "$cur"))
		;;
	--hooks)
		COMPREPLY=($(compgen -W "auto lsm fentry kprobe equivalent" -- "$cur"))
		;;
	-Z | --relinquish-privileges)
		COMPREPLY=($(compgen -u -- "$cur"))
		;;
	-w | --write | -r | --read | --html | --syslog-ca | --syslog-cert | --syslog-key)
		_tracer_files "$cur" any
		;;
	--syslog)
		COMPREPLY=($(compgen -W "tcp:// tls://" -- "$cur"))
		compopt -o nospace 2>/dev/null
		;;
	-C | --file-size | -W | --file-count)
		;;
	--pre-trigger | --post-trigger | --pre-trigger-size | --story)
		;; # seconds, a size, a pid, exec_id or container: free text
	--evidence)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	--evidence-file-max | --evidence-total-max | --evidence-rate)
		;;
	--container-root)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	-P | --preset)
		COMPREPLY=($(compgen -W "$(tracer --list-presets 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
		;;
	--binary)
		_tracer_files "$cur" any
		;;
	--pid)
		COMPREPLY=($(compgen -W "$(command ls /proc 2>/dev/null | grep -E '^[0-9]+$')" -- "$cur"))
		;;
	-c | --count | --buffer-size | --path-prefix | --daddr | --dport | --container-id | --pod)
		;; # free text: nothing to offer
	*)
		return 1
		;;
	esac
	return 0
}

_tracer()
{
	local cur prev
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# --output=json: bash splits at '=' when it is in COMP_WORDBREAKS.
	if [[ $cur == = ]]; then
		_tracer_value "$prev" "" && return
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		_tracer_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur" && return
	elif [[ $cur == --*=* ]]; then
		local opt=${cur%%=*} val=${cur#*=} i
		if _tracer_value "$opt" "$val"; then
			for i in "${!COMPREPLY[@]}"; do
				COMPREPLY[i]=$opt=${COMPREPLY[i]}
			done
			return
		fi
	fi
	_tracer_value "$prev" "$cur" && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_tracer_opts_arg $_tracer_opts_flag -o -c -l -q -v -p -P -e -Z -w -r -C -W" \
			-- "$cur"))
	fi
}

complete -F _tracer tracer
