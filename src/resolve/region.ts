/** The region a host name names: `sqs.eu-west-1.localhost`, `dynamodb.us-east-1.amazonaws.com`. */
const regionInHost = /(?:^|\.)((?:[a-z]{2}|us-gov|us-iso[a-z]?)-[a-z]+-\d)(?:\.|$)/;

export function regionFromHost(host: string): string | undefined {
  return regionInHost.exec(host.toLowerCase())?.[1];
}
