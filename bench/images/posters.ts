/**
 * A generated set of posters and slides with known text and topic, rendered from SVG by sharp (librsvg, DejaVu
 * Sans): the IMAGE benchmark's ground truth and the image tests' fixtures. Posters carry their title as white text
 * on a coloured band (inverse text) over dark body text; slides a white title on a dark bar over bullets.
 */
import sharp from 'sharp';

export interface GeneratedImage {
  name: string;
  /** every word drawn, in reading order */
  text: string;
  /** the IAB tier-1 category a reader would file it under; absent for slides without a topic */
  topic?: string;
  svg: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Block {
  text: string[];
  size: number;
  fill: string;
  band?: string;
  bold?: boolean;
  /** space above and below the text inside its band */
  pad?: number;
}

function layout(width: number, height: number, background: string, blocks: Block[]): string {
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="${background}"/>`];
  let y = 40;
  for (const b of blocks) {
    const lineH = Math.round(b.size * 1.35);
    const pad = b.band ? (b.pad ?? 20) : 5;
    const h = b.text.length * lineH + 2 * pad;
    if (b.band) parts.push(`<rect x="0" y="${y}" width="${width}" height="${h}" fill="${b.band}"/>`);
    b.text.forEach((line, i) => {
      const ty = y + pad + (i + 1) * lineH - Math.round(b.size * 0.3);
      parts.push(
        `<text x="60" y="${ty}" font-family="DejaVu Sans" font-size="${b.size}"${b.bold ? ' font-weight="bold"' : ''} fill="${b.fill}">${esc(line)}</text>`,
      );
    });
    y += h + 30;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

function poster(
  name: string,
  topic: string,
  band: string,
  title: string,
  body: string[],
  footer: string,
): GeneratedImage {
  return {
    name,
    topic,
    text: [title, ...body, footer].join(' '),
    svg: layout(1000, 1200, '#fbfaf5', [
      { text: [title], size: 64, fill: '#ffffff', band, bold: true, pad: 140 },
      { text: body, size: 34, fill: '#222222' },
      { text: [footer], size: 30, fill: '#ffffff', band },
    ]),
  };
}

function slide(name: string, title: string, bullets: string[], bar = '#1f2a44'): GeneratedImage {
  return {
    name,
    text: [title, ...bullets].join(' '),
    svg: layout(1280, 720, '#ffffff', [
      { text: [title], size: 52, fill: '#ffffff', band: bar, bold: true, pad: 60 },
      { text: bullets.map((b) => `• ${b}`), size: 32, fill: '#333333' },
    ]),
  };
}

/** A notice with its heading in a light colour on white (yellow, sky blue, pink: low contrast in grey). */
function notice(name: string, colour: string, heading: string, body: string[]): GeneratedImage {
  return {
    name,
    text: [heading, ...body].join(' '),
    svg: layout(1000, 700, '#ffffff', [
      { text: [heading], size: 60, fill: colour, bold: true },
      { text: body, size: 32, fill: '#2b2b2b' },
    ]),
  };
}

/** 7 topical posters, 6 slides and 3 notices with light coloured headings. */
export const GENERATED_IMAGES: GeneratedImage[] = [
  poster(
    'market',
    'Food & Drink',
    '#90be6d',
    'FARMERS MARKET',
    ['Fresh bread, cheese and local wine.', 'Cooking demos with our chefs', 'and a breakfast for every visitor.'],
    'Every Saturday from 8 to 13',
  ),
  poster(
    'marathon',
    'Sports',
    '#e76f51',
    'CITY MARATHON',
    ['Runners, teams and coaches:', 'join the race on Sunday morning.', 'Football clinics for young players.'],
    'Register at the sports centre',
  ),
  poster(
    'travel',
    'Travel',
    '#48cae4',
    'SUMMER TRAVEL DEALS',
    ['Flights and hotels to Lisbon,', 'Rome and Athens this summer.', 'Book your vacation trip today.'],
    'Airport transfer included',
  ),
  poster(
    'cars',
    'Automotive',
    '#f4a261',
    'CLASSIC CAR SHOW',
    ['Vintage cars, trucks and engines', 'on display in the main hall.', 'Meet the drivers and the dealership.'],
    'Tickets at the gate',
  ),
  poster(
    'open-day',
    'Education',
    '#6a1b9a',
    'UNIVERSITY OPEN DAY',
    ['Students and teachers welcome you.', 'Visit a lesson, meet the college', 'staff and see the school library.'],
    'Free guided tours all day',
  ),
  poster(
    'code-camp',
    'Technology & Computing',
    '#ffb703',
    'CODE CAMP',
    ['Learn software programming,', 'data and internet apps in a week.', 'Bring your own computer.'],
    'Beginners are welcome',
  ),
  poster(
    'adopt',
    'Pets',
    '#2a9d8f',
    'ADOPT A PET',
    ['Dogs, cats and puppies need a home.', 'Visit our pet shelter this weekend', 'and meet your new best friend.'],
    'Open daily from 10 to 18',
  ),
  slide('results', 'Quarterly Results', [
    'Revenue grew twelve percent',
    'Costs stayed flat across regions',
    'Hiring plan approved for spring',
  ]),
  slide(
    'timeline',
    'Project Timeline',
    ['Design review in March', 'First release at the end of May', 'Customer pilot over the summer'],
    '#8ecae6',
  ),
  slide(
    'agenda',
    'Meeting Agenda',
    ['Welcome and introductions', 'Status of open actions', 'Questions and next steps'],
    '#e76f51',
  ),
  slide(
    'lessons',
    'Lessons Learned',
    ['Ship smaller changes more often', 'Measure before changing defaults', 'Write down every decision'],
    '#a8dadc',
  ),
  slide(
    'roadmap',
    'Product Roadmap',
    ['Search across all documents', 'Faster uploads on mobile', 'Shared folders for teams'],
    '#2a9d8f',
  ),
  slide(
    'safety',
    'Safety Briefing',
    ['Know the nearest emergency exit', 'Report spills to the front desk', 'Wear a badge at all times'],
    '#f4a261',
  ),
  notice('golden-notice', '#f9c74f', 'GOLDEN HOUR WALK', ['Meet at the old bridge at six', 'and bring a warm jacket']),
  notice('sky-notice', '#8ecae6', 'Library Closed Monday', [
    'Returns go in the box by the door',
    'We reopen on Tuesday morning',
  ]),
  notice('pink-notice', '#ffafcc', 'Bake Sale Today', ['Cakes and cookies in the hall', 'All money goes to the choir']),
];

/** Renders one generated image as PNG (or another format sharp writes). */
export async function renderImage(
  img: GeneratedImage,
  format: 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif' = 'png',
): Promise<Buffer> {
  return sharp(Buffer.from(img.svg)).toFormat(format).toBuffer();
}
