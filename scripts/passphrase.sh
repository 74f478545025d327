# shellcheck shell=bash
# Passphrase policy shared by scripts/up.sh and scripts/pulumi.sh (sourced, not run).
#
# The public dev passphrase "cdc-dev" (printed in the README) encrypts the secrets of the `dev`
# stack only. Any other stack must bring its own: PULUMI_CONFIG_PASSPHRASE or
# PULUMI_CONFIG_PASSPHRASE_FILE, a cloud backend (Pulumi Cloud encrypts per stack), or a stack
# whose secrets provider is not the passphrase (`secretsprovider:` in Pulumi.<stack>.yaml, e.g.
# awskms://, gcpkms://, azurekeyvault://, hashivault://). Otherwise it is refused with the command
# to set one, so a prod stack's passwords are never encrypted with a published passphrase.

# cdc_passphrase_policy STACK: exports PULUMI_CONFIG_PASSPHRASE=cdc-dev for `dev` when none is
# set; returns 1 with a message on stderr when STACK would need the dev passphrase.
cdc_passphrase_policy() {
    local stack="$1"
    if [ -n "${PULUMI_CONFIG_PASSPHRASE:-}" ] || [ -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        return 0
    fi
    case "${PULUMI_BACKEND_URL:-}" in
        https://* | http://*) return 0 ;; # Pulumi Cloud or a self-hosted service: it encrypts secrets
    esac
    if [ -f "Pulumi.$stack.yaml" ] && grep -Eq '^secretsprovider: *[a-z]+://' "Pulumi.$stack.yaml" \
        && ! grep -Eq '^secretsprovider: *passphrase' "Pulumi.$stack.yaml"; then
        return 0
    fi
    if [ "$stack" = "dev" ]; then
        export PULUMI_CONFIG_PASSPHRASE="cdc-dev"
        return 0
    fi
    cat >&2 <<MSG
error: stack "$stack" has no passphrase. The dev passphrase "cdc-dev" is public (it is in the
README) and is used for the "dev" stack only. Set a passphrase of your own for "$stack", e.g.
    export PULUMI_CONFIG_PASSPHRASE="\$(openssl rand -base64 24)"   # keep it in your password manager
or point to a file holding it with PULUMI_CONFIG_PASSPHRASE_FILE, or use a cloud secrets
provider: pulumi stack change-secrets-provider --stack $stack awskms://alias/<key>
MSG
    return 1
}
