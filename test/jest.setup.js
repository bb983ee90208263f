// natural (and other libraries) print dotenv notices on require unless told to be quiet; that would
// corrupt JSON logs and CLI output, so tests run with it quiet just like the services do.
process.env.DOTENV_CONFIG_QUIET = 'true';
