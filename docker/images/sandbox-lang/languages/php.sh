PACKAGES="php-cli"
language_version() { php -r 'echo PHP_VERSION;'; }
