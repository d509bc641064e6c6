# bash completion for ingroute(1): commands, options, and their values.
_ingroute()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local commands="check match explain dump diff help"
	local common="-f --filename --class --default-class --namespace
		--impl-specific --fallthrough --no-normalize --default-backend
		--strict --previous --json -o --output --stats --max-input-bytes
		--max-depth --max-nodes --max-alias-nodes --max-alias-bytes
		--max-scalar-bytes --max-diagnostics --controller -h --help"
	local request="--gateway -X --method -H --header --random"

	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	case $prev in
	-f|--filename|--previous|--against)
		# a file, a directory, or - for standard input
		COMPREPLY=($(compgen -f -X '!*.@(yaml|yml|json)' -- "$cur") \
		           $(compgen -d -- "$cur"))
		[[ $cur == "" || $cur == - ]] && COMPREPLY+=(-)
		compopt -o filenames 2>/dev/null
		return ;;
	--impl-specific)
		COMPREPLY=($(compgen -W "prefix exact string-prefix" -- "$cur"))
		return ;;
	-o|--output)
		COMPREPLY=($(compgen -W "text json wide" -- "$cur"))
		return ;;
	--class|--namespace|--default-backend|--max-*|--gateway|--against-gateway|-X|--method|-H|--header|--random|--controller)
		return ;;
	esac
	case ${words[1]} in
	help)
		COMPREPLY=($(compgen -W "check match explain dump diff" -- "$cur")) ;;
	diff)
		[[ $cur == -* ]] &&
			COMPREPLY=($(compgen -W "$common $request --against --against-gateway --explain -q --quiet" -- "$cur")) ;;
	match)
		[[ $cur == -* ]] &&
			COMPREPLY=($(compgen -W "$common $request -q --quiet --fail-unmatched" -- "$cur")) ;;
	explain)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$common $request" -- "$cur")) ;;
	check|dump)
		[[ $cur == -* ]] && COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
	esac
}
complete -F _ingroute ingroute
