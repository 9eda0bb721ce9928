#!/bin/sh
# Pack dist/CreditDesk.app (from packaging/build.py on macOS) into dist/CreditDesk-<version>.dmg.
#
# Signing and notarisation happen only when their credentials are given:
#   CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)", in the login or CI keychain
#   NOTARY_PROFILE     a profile saved with `xcrun notarytool store-credentials`
# Without them the DMG is unsigned: fine for testing, but Gatekeeper will warn users.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app="$root/dist/CreditDesk.app"
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/creditdesk/__init__.py")
dmg="$root/dist/CreditDesk-$version.dmg"
entitlements="$here/entitlements.plist"

[ -d "$app" ] || { echo "no $app: run packaging/build.py first" >&2; exit 1; }

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    # Hardened runtime, which notarisation requires; --deep signs the bundled Qt frameworks too.
    codesign --force --deep --timestamp --options runtime \
        --entitlements "$entitlements" --sign "$CODESIGN_IDENTITY" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag-to-install
rm -f "$dmg"
hdiutil create -volname "CreditDesk $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$dmg"
fi
if [ -n "${CODESIGN_IDENTITY:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
fi
ls -lh "$dmg"
