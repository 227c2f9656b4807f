// A webhook receiver for the HA example: prints one line per Alertmanager
// notification (and per alert in it), so you can count them. Plain Node, no
// dependencies:  node deploy/ha/receiver.mjs   (PORT, default 5001; HOST, default 127.0.0.1)
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 5001);
const host = process.env.HOST ?? '127.0.0.1';
let count = 0;

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      count += 1;
      console.log(`${new Date().toISOString()} notification ${count}: ${body.status}, ${body.alerts.length} alert(s)`);
      for (const alert of body.alerts) {
        const labels = Object.entries(alert.labels).map(([name, value]) => `${name}=${value}`).join(' ');
        console.log(`  ${alert.status} ${labels}: ${alert.annotations?.summary ?? ''}`);
      }
      res.writeHead(200).end('ok');
    } catch (error) {
      console.log(`${new Date().toISOString()} not an Alertmanager notification: ${error.message}`);
      res.writeHead(400).end('bad request');
    }
  });
}).listen(port, host, () => console.log(`receiver on http://${host}:${port}/alerts`));
