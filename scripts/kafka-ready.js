// Exits 0 when the Kafka brokers in KAFKA_BROKERS answer a real request (list topics), 1 otherwise.
// Used by scripts/services.sh to wait for the broker; prints the topics with --list.
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const kafka = new Kafka({
    clientId: 'pantau-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    if (process.argv.includes('--list')) console.log(topics.join('\n'));
    await admin.disconnect();
    process.exit(0);
  } catch (err) {
    if (process.argv.includes('--list')) console.error(String(err));
    process.exit(1);
  }
}
main();
