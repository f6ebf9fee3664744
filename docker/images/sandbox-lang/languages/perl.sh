PACKAGES="perl"
language_version() { perl -e 'print substr($^V, 1)'; }
