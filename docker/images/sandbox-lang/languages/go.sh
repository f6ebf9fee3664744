PACKAGES="golang-go"
language_version() { go env GOVERSION | sed 's/^go//'; }
