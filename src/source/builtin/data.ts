/**
 * Word lists for the built-in randomuser-compatible generator. Written for
 * this project: plausible names, places and formats per nationality, enough
 * variety to look like the real API and to exercise the same type quirks
 * (non-ASCII names, string or numeric postcodes, odd phone and id formats).
 *
 * Names written in a non-Latin script carry their Latin transliteration after
 * a `|` (the real API writes Persian and Ukrainian names in their own script
 * and still builds an ASCII e-mail address from them).
 */
import type { Nationality } from '../types.ts';

export interface NationalityData {
  country: string;
  male: readonly string[];
  female: readonly string[];
  last: readonly string[];
  /** [city, state] pairs. */
  places: readonly (readonly [string, string])[];
  streets: readonly string[];
  /** A pattern (`#` = digit, `?` = capital letter) gives a string postcode; a [min, max] range gives a number. */
  postcode: string | readonly [number, number];
  /** Patterns for phone and cell (`#` = digit). */
  phone: string;
  cell: string;
  /** Name and value pattern (`#` digit, `?` letter) of the national id; `null` = the API sends null. */
  id: { name: string; value: string | null };
  titles?: { male: readonly string[]; female: readonly string[] };
}

/** Titles for nationalities that do not list their own. */
export const DEFAULT_TITLES = { male: ['Mr'], female: ['Ms', 'Mrs', 'Miss'] } as const;

export const DATA: Record<Nationality, NationalityData> = {
  AU: {
    country: 'Australia',
    male: ['Jack', 'Oliver', 'William', 'Noah', 'Lucas', 'Liam', 'Cooper', 'Riley', 'Lachlan', 'Mitchell'],
    female: ['Charlotte', 'Olivia', 'Mia', 'Isla', 'Chloe', 'Ruby', 'Matilda', 'Zoe', 'Sienna', 'Harper'],
    last: ['Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Nguyen', 'Kelly', 'Walker', 'Harris'],
    places: [['Sydney', 'New South Wales'], ['Melbourne', 'Victoria'], ['Brisbane', 'Queensland'], ['Perth', 'Western Australia'], ['Adelaide', 'South Australia'], ['Hobart', 'Tasmania'], ['Darwin', 'Northern Territory'], ['Canberra', 'Australian Capital Territory']],
    streets: ['George Street', 'Parramatta Road', 'Bourke Street', 'Queen Street', 'Hay Street', 'Rundle Mall', 'Flinders Lane'],
    postcode: [200, 9999],
    phone: '0#-####-####',
    cell: '04##-###-###',
    id: { name: 'TFN', value: '#########' },
  },
  BR: {
    country: 'Brazil',
    male: ['João', 'Luís', 'Otávio', 'Antônio', 'Caetano', 'Sérgio', 'Cauã', 'Heitor', 'Raul', 'Vicente'],
    female: ['Lívia', 'Lúcia', 'Iúri', 'Débora', 'Tâmara', 'Mônica', 'Aurélia', 'Cecília', 'Valéria', 'Ingrid'],
    last: ['Silva', 'Souza', 'Araújo', 'Gonçalves', 'Rocha', 'Fogaça', 'Peixoto', 'Nogueira', 'Cardoso', 'Mendes'],
    places: [['São Paulo', 'São Paulo'], ['Rio de Janeiro', 'Rio de Janeiro'], ['Belo Horizonte', 'Minas Gerais'], ['Curitiba', 'Paraná'], ['Salvador', 'Bahia'], ['Fortaleza', 'Ceará'], ['Belém', 'Pará'], ['Goiânia', 'Goiás']],
    streets: ['Rua São Jorge', 'Rua Dois', 'Avenida Brasil', 'Rua das Flores', 'Rua Santa Catarina', 'Rua Paraíba', 'Travessa dos Martírios'],
    postcode: [10000000, 99999999],
    phone: '(##) ####-####',
    cell: '(##) #####-####',
    id: { name: 'CPF', value: '###.###.###-##' },
  },
  CA: {
    country: 'Canada',
    male: ['Liam', 'Nathan', 'Logan', 'Félix', 'Samuel', 'Zachary', 'Owen', 'Mathis', 'Ethan', 'Jacob'],
    female: ['Emma', 'Léa', 'Chloé', 'Florence', 'Abigail', 'Sophie', 'Maëlle', 'Madison', 'Alice', 'Juliette'],
    last: ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Martin', 'Lavoie', 'Wong', 'Campbell'],
    places: [['Toronto', 'Ontario'], ['Montréal', 'Québec'], ['Vancouver', 'British Columbia'], ['Calgary', 'Alberta'], ['Winnipeg', 'Manitoba'], ['Halifax', 'Nova Scotia'], ['Regina', 'Saskatchewan'], ['Moncton', 'New Brunswick']],
    streets: ['Dundas Rd', 'King St', 'Rue Sainte-Catherine', 'Main St', 'Victoria Ave', 'Lakeshore Rd', 'Parliament St'],
    postcode: '?#? #?#',
    phone: '###-###-####',
    cell: '###-###-####',
    id: { name: 'SIN', value: '### ### ###' },
  },
  CH: {
    country: 'Switzerland',
    male: ['Luca', 'Noah', 'Léon', 'Matteo', 'Elias', 'Gian', 'Loïc', 'Reto', 'Urs', 'Jérôme'],
    female: ['Mia', 'Léonie', 'Anja', 'Chiara', 'Lea', 'Nadine', 'Sophie', 'Annika', 'Mélanie', 'Zoé'],
    last: ['Müller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Huber', 'Rochat', 'Fontana', 'Girard', 'Brunner'],
    places: [['Zürich', 'Zürich'], ['Genève', 'Genève'], ['Basel', 'Basel-Stadt'], ['Lausanne', 'Vaud'], ['Bern', 'Bern'], ['Lugano', 'Ticino'], ['Luzern', 'Luzern'], ['St. Gallen', 'St. Gallen']],
    streets: ['Bahnhofstrasse', 'Rue du Rhône', 'Place de la Gare', 'Via Nassa', 'Marktgasse', 'Chemin des Vignes', 'Seestrasse'],
    postcode: [1000, 9658],
    phone: '0## ### ## ##',
    cell: '07# ### ## ##',
    id: { name: 'AVS', value: '756.####.####.##' },
    titles: { male: ['Mr', 'Monsieur'], female: ['Ms', 'Mrs', 'Madame', 'Mademoiselle'] },
  },
  DE: {
    country: 'Germany',
    male: ['Jürgen', 'Lukas', 'Maximilian', 'Jörg', 'Björn', 'Günter', 'Felix', 'Tobias', 'Uwe', 'Dieter'],
    female: ['Jana', 'Käthe', 'Lea', 'Jülide', 'Mareike', 'Ute', 'Annegret', 'Jördis', 'Hannelore', 'Zoë'],
    last: ['Müller', 'Schmidt', 'Schäfer', 'Weiß', 'Krüger', 'Hoffmann', 'Böhm', 'Groß', 'Fuchs', 'Koch'],
    places: [['Berlin', 'Berlin'], ['München', 'Bayern'], ['Köln', 'Nordrhein-Westfalen'], ['Hamburg', 'Hamburg'], ['Dresden', 'Sachsen'], ['Stuttgart', 'Baden-Württemberg'], ['Düsseldorf', 'Nordrhein-Westfalen'], ['Görlitz', 'Sachsen']],
    streets: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Lindenstraße', 'Mühlenweg', 'Am Bahnhof'],
    // German postcodes start with 0 in the east; as a number, the zero is lost (an API quirk).
    postcode: [1067, 99998],
    phone: '0###-#######',
    cell: '017#-#######',
    id: { name: 'SVNR', value: '## ###### ? ###' },
    titles: { male: ['Mr', 'Herr'], female: ['Ms', 'Mrs', 'Frau'] },
  },
  DK: {
    country: 'Denmark',
    male: ['Mads', 'Søren', 'Frederik', 'Asger', 'Jørgen', 'Mikkel', 'Bjørn', 'Rasmus', 'Niels', 'Æbbe'],
    female: ['Freja', 'Ida', 'Mathilde', 'Sofie', 'Åse', 'Laerke', 'Signe', 'Malou', 'Astrid', 'Benedikte'],
    last: ['Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Sørensen', 'Rasmussen', 'Jørgensen', 'Madsen'],
    places: [['København', 'Hovedstaden'], ['Aarhus', 'Midtjylland'], ['Odense', 'Syddanmark'], ['Aalborg', 'Nordjylland'], ['Roskilde', 'Sjælland'], ['Esbjerg', 'Syddanmark'], ['Randers', 'Midtjylland']],
    streets: ['Nørregade', 'Østergade', 'Vestergade', 'Kirkevej', 'Skovvej', 'Strandvejen', 'Møllevej'],
    postcode: [1000, 9990],
    phone: '########',
    cell: '########',
    id: { name: 'CPR', value: '######-####' },
  },
  ES: {
    country: 'Spain',
    male: ['Jesús', 'Ángel', 'Raúl', 'Héctor', 'Álvaro', 'Rubén', 'Óscar', 'Iván', 'Adrián', 'Joaquín'],
    female: ['María', 'Lucía', 'Inés', 'Sofía', 'Begoña', 'Mónica', 'Nuria', 'Almudena', 'Raquel', 'Pilar'],
    last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz'],
    places: [['Madrid', 'Comunidad de Madrid'], ['Barcelona', 'Cataluña'], ['Valencia', 'Comunidad Valenciana'], ['Sevilla', 'Andalucía'], ['Zaragoza', 'Aragón'], ['Málaga', 'Andalucía'], ['Bilbao', 'País Vasco'], ['Córdoba', 'Andalucía']],
    streets: ['Calle Mayor', 'Calle de Alcalá', 'Avenida de América', 'Calle del Prado', 'Paseo de Extremadura', 'Calle de la Democracia', 'Calle de Toledo'],
    postcode: [1000, 52999],
    phone: '9##-###-###',
    cell: '6##-###-###',
    id: { name: 'DNI', value: '########-?' },
  },
  FI: {
    country: 'Finland',
    male: ['Eetu', 'Väinö', 'Onni', 'Juho', 'Aatu', 'Elias', 'Niilo', 'Topias', 'Veeti', 'Jääski'],
    female: ['Aino', 'Siiri', 'Pihla', 'Helmi', 'Ella', 'Venla', 'Iida', 'Lotta', 'Seija', 'Säde'],
    last: ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen'],
    places: [['Helsinki', 'Uusimaa'], ['Espoo', 'Uusimaa'], ['Tampere', 'Pirkanmaa'], ['Oulu', 'Northern Ostrobothnia'], ['Turku', 'Southwest Finland'], ['Jyväskylä', 'Central Finland'], ['Kuopio', 'Northern Savonia'], ['Lahti', 'Päijät-Häme']],
    streets: ['Hämeenkatu', 'Pyynikintie', 'Esplanadi', 'Mannerheimintie', 'Satakennankatu', 'Tehtaankatu', 'Itsenäisyydenkatu'],
    postcode: [10000, 99999],
    phone: '0#-###-###',
    cell: '04#-###-##-##',
    // The real API sends garbage here (a date formatter fed undefined).
    id: { name: 'HETU', value: 'NaNNA###undefined' },
  },
  FR: {
    country: 'France',
    male: ['Théo', 'Noé', 'Maël', 'Mathéo', 'Gaël', 'Aurélien', 'Jérémy', 'Loïc', 'Benoît', 'Clément'],
    female: ['Léa', 'Chloé', 'Manon', 'Océane', 'Maëlys', 'Clémence', 'Anaïs', 'Éloïse', 'Inès', 'Zoé'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Lefèvre', 'Mercier'],
    places: [['Paris', 'Île-de-France'], ['Marseille', "Provence-Alpes-Côte d'Azur"], ['Lyon', 'Rhône'], ['Toulouse', 'Haute-Garonne'], ['Nice', 'Alpes-Maritimes'], ['Nantes', 'Loire-Atlantique'], ['Strasbourg', 'Bas-Rhin'], ['Besançon', 'Doubs']],
    streets: ['Rue de la Mairie', 'Rue Pasteur', 'Place du 8 Février 1962', "Rue de l'Abbé-Groult", 'Avenue Jean-Jaurès', 'Rue des Écoles', 'Quai Chauveau'],
    postcode: [1000, 95999],
    phone: '0#-##-##-##-##',
    cell: '06-##-##-##-##',
    id: { name: 'INSEE', value: '#NNaN########  ##' },
    titles: { male: ['Mr', 'Monsieur'], female: ['Ms', 'Mrs', 'Madame', 'Mademoiselle'] },
  },
  GB: {
    country: 'United Kingdom',
    male: ['Harry', 'Oliver', 'George', 'Alfie', 'Charlie', 'Freddie', 'Archie', 'Rhys', 'Callum', 'Owain'],
    female: ['Amelia', 'Isla', 'Sophie', 'Evie', 'Poppy', 'Niamh', 'Siobhán', 'Eleanor', 'Imogen', 'Rhiannon'],
    last: ['Smith', 'Jones', 'Taylor', 'Davies', 'Evans', "O'Connor", 'Roberts', 'Hughes', 'Campbell', 'Stewart'],
    places: [['Edinburgh', 'Lothian'], ['Manchester', 'Greater Manchester'], ['Cardiff', 'South Glamorgan'], ['Leeds', 'West Yorkshire'], ['Bristol', 'Avon'], ['Belfast', 'County Antrim'], ['Norwich', 'Norfolk'], ['Exeter', 'Devon']],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane', 'The Green', 'Queensway'],
    postcode: '??# #??',
    phone: '0#### ### ###',
    cell: '07### ######',
    id: { name: 'NINO', value: '?? ## ## ## ?' },
  },
  IE: {
    country: 'Ireland',
    male: ['Seán', 'Oisín', 'Darragh', 'Cian', 'Pádraig', 'Conor', 'Eoin', 'Tadhg', 'Ciarán', 'Fionn'],
    female: ['Aoife', 'Saoirse', 'Niamh', 'Róisín', 'Orla', 'Caoimhe', 'Gráinne', 'Sinéad', 'Aisling', 'Clodagh'],
    last: ['Murphy', 'Kelly', "O'Sullivan", 'Walsh', 'Byrne', 'Ryan', "O'Brien", 'Ó Briain', 'Doyle', 'McCarthy'],
    places: [['Dublin', 'Leinster'], ['Cork', 'Munster'], ['Galway', 'Connacht'], ['Limerick', 'Munster'], ['Waterford', 'Munster'], ['Sligo', 'Connacht'], ['Letterkenny', 'Ulster'], ['Kilkenny', 'Leinster']],
    streets: ['Main Street', 'Church Road', 'Grafton Street', 'Patrick Street', 'Shop Street', 'Bóthar na Trá', 'Station Road'],
    postcode: [10000, 99999],
    phone: '0#1-###-####',
    cell: '08#-###-####',
    id: { name: 'PPS', value: '#######?' },
  },
  IN: {
    country: 'India',
    male: ['Aarav', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Ishaan', 'Kabir', 'Rohan', 'Aditya', 'Pranav'],
    female: ['Aadhya', 'Ananya', 'Diya', 'Saanvi', 'Kavya', 'Ishita', 'Meera', 'Priya', 'Riya', 'Tanvi'],
    last: ['Sharma', 'Patel', 'Reddy', 'Iyer', 'Nair', 'Gupta', 'Singh', 'Kumar', 'Menon', 'Chopra'],
    places: [['Mumbai', 'Maharashtra'], ['Bengaluru', 'Karnataka'], ['Chennai', 'Tamil Nadu'], ['Kolkata', 'West Bengal'], ['Hyderabad', 'Telangana'], ['Jaipur', 'Rajasthan'], ['Kochi', 'Kerala'], ['Lucknow', 'Uttar Pradesh']],
    streets: ['MG Road', 'Brigade Road', 'Linking Road', 'Park Street', 'Anna Salai', 'Station Road', 'Nehru Marg'],
    postcode: [110001, 855117],
    phone: '#########',
    cell: '#########',
    id: { name: 'UIDAI', value: '############' },
  },
  IR: {
    country: 'Iran',
    male: ['آرمین|Armin', 'محمدطاها|Mohammadtaha', 'امیرعلی|Amirali', 'علیرضا|Alireza', 'پارسا|Parsa', 'سینا|Sina', 'کیان|Kian', 'رضا|Reza', 'بردیا|Bardia', 'حسین|Hossein'],
    female: ['نیایش|Niayesh', 'یسنا|Yasna', 'آوا|Ava', 'هستی|Hasti', 'نازنین|Nazanin', 'ستایش|Setayesh', 'مهسا|Mahsa', 'الینا|Elina', 'پرنیا|Parnia', 'رها|Raha'],
    last: ['محمدخان|Mohammadkhan', 'احمدی|Ahmadi', 'کریمی|Karimi', 'رضایی|Rezaei', 'موسوی|Mousavi', 'حسینی|Hosseini', 'جعفری|Jafari', 'صالحی|Salehi', 'نجفی|Najafi', 'کامروا|Kamrava'],
    places: [['تهران|Tehran', 'تهران|Tehran'], ['مشهد|Mashhad', 'خراسان رضوی|Khorasan Razavi'], ['اصفهان|Isfahan', 'اصفهان|Isfahan'], ['شیراز|Shiraz', 'فارس|Fars'], ['تبریز|Tabriz', 'آذربایجان شرقی|East Azerbaijan'], ['کرج|Karaj', 'البرز|Alborz'], ['رشت|Rasht', 'گیلان|Gilan'], ['یزد|Yazd', 'یزد|Yazd']],
    streets: ['میدان انقلاب|Enghelab Square', 'خیابان ولیعصر|Valiasr Street', 'شهید بهشتی|Shahid Beheshti', 'آزادی|Azadi', 'کارگر|Kargar', 'میرداماد|Mirdamad', 'پاسداران|Pasdaran'],
    postcode: [10000, 99999],
    phone: '0##-########',
    cell: '09##-###-####',
    id: { name: '', value: null },
  },
  MX: {
    country: 'Mexico',
    male: ['José', 'Jesús', 'Ángel', 'Sebastián', 'Matías', 'Emiliano', 'Rodrigo', 'Iñaki', 'Julián', 'Héctor'],
    female: ['Ximena', 'Valentina', 'Renata', 'Sofía', 'Regina', 'Fernanda', 'Itzel', 'Citlali', 'Mariana', 'Andrea'],
    last: ['Hernández', 'García', 'Martínez', 'López', 'González', 'Pérez', 'Rodríguez', 'Sánchez', 'Ramírez', 'Cruz'],
    places: [['Ciudad de México', 'Distrito Federal'], ['Guadalajara', 'Jalisco'], ['Monterrey', 'Nuevo León'], ['Puebla', 'Puebla'], ['Mérida', 'Yucatán'], ['Querétaro', 'Querétaro'], ['Oaxaca de Juárez', 'Oaxaca'], ['Tijuana', 'Baja California']],
    streets: ['Avenida Juárez', 'Calle Morelos', 'Boulevard Hidalgo', 'Privada Zacatecas', 'Circunvalación Sur', 'Avenida Reforma', 'Cerrada Nayarit'],
    postcode: [10000, 99999],
    phone: '(6##) ### ####',
    cell: '(6##) ### ####',
    id: { name: 'NSS', value: '## ## ## ####' },
  },
  NL: {
    country: 'Netherlands',
    male: ['Daan', 'Sem', 'Bram', 'Thijs', 'Joël', 'Ruud', 'Gijs', 'Sjoerd', 'Teun', 'Maarten'],
    female: ['Emma', 'Tess', 'Fleur', 'Noor', 'Anouk', 'Saskia', 'Lieke', 'Maaike', 'Inge', 'Eefje'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'van der Veen'],
    places: [['Amsterdam', 'Noord-Holland'], ['Rotterdam', 'Zuid-Holland'], ['Utrecht', 'Utrecht'], ['Eindhoven', 'Noord-Brabant'], ['Groningen', 'Groningen'], ['Maastricht', 'Limburg'], ['Zwolle', 'Overijssel'], ['Leeuwarden', 'Friesland']],
    streets: ['Kerkstraat', 'Molenweg', 'Dorpsstraat', 'Stationsweg', 'Prinsengracht', 'Julianalaan', 'Beatrixstraat'],
    postcode: '#### ??',
    phone: '(0###) ######',
    cell: '(06) ########',
    id: { name: 'BSN', value: '########' },
  },
  NO: {
    country: 'Norway',
    male: ['Jørgen', 'Håkon', 'Øystein', 'Magnus', 'Sindre', 'Ørjan', 'Eskil', 'Tormod', 'Åsmund', 'Kristoffer'],
    female: ['Ingrid', 'Åse', 'Sølvi', 'Nora', 'Tiril', 'Ylva', 'Hedda', 'Maren', 'Sunniva', 'Bjørg'],
    last: ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Berg', 'Haugen', 'Bakke', 'Sæther', 'Løken'],
    places: [['Oslo', 'Oslo'], ['Bergen', 'Vestland'], ['Trondheim', 'Trøndelag'], ['Stavanger', 'Rogaland'], ['Tromsø', 'Troms og Finnmark'], ['Drammen', 'Viken'], ['Bodø', 'Nordland'], ['Ålesund', 'Møre og Romsdal']],
    streets: ['Storgata', 'Kirkeveien', 'Skolegata', 'Strandveien', 'Bjørnstjerne Bjørnsons gate', 'Fjellveien', 'Løkkeveien'],
    // Norwegian postcodes keep their leading zeros: a string.
    postcode: '####',
    phone: '########',
    cell: '4#######',
    id: { name: 'FN', value: '###########' },
  },
  NZ: {
    country: 'New Zealand',
    male: ['Oliver', 'Jack', 'Nikau', 'Tama', 'Lucas', 'Hunter', 'Mason', 'Wiremu', 'Leo', 'Hemi'],
    female: ['Isla', 'Charlotte', 'Aroha', 'Mere', 'Amelia', 'Harper', 'Ngaio', 'Ava', 'Mia', 'Kaia'],
    last: ['Smith', 'Wilson', 'Williams', 'Brown', 'Taylor', 'Ngata', 'Parata', 'Walker', 'Thompson', 'Te Whata'],
    places: [['Auckland', 'Auckland'], ['Wellington', 'Wellington'], ['Christchurch', 'Canterbury'], ['Hamilton', 'Waikato'], ['Dunedin', 'Otago'], ['Tauranga', 'Bay of Plenty'], ['Napier', "Hawke's Bay"], ['Whangārei', 'Northland']],
    streets: ['Queen Street', 'Karangahape Road', 'Cuba Street', 'Colombo Street', 'Victoria Street', 'Te Awa Road', 'Ponsonby Road'],
    postcode: [1010, 9893],
    phone: '(###)-###-####',
    cell: '(###)-###-####',
    id: { name: '', value: null },
  },
  RS: {
    country: 'Serbia',
    male: ['Đorđe', 'Miloš', 'Nikola', 'Dušan', 'Stefan', 'Luka', 'Vuk', 'Nemanja', 'Žarko', 'Bojan'],
    female: ['Jelena', 'Milica', 'Ivana', 'Ana', 'Teodora', 'Dragana', 'Sanja', 'Snežana', 'Katarina', 'Ljiljana'],
    last: ['Jovanović', 'Petrović', 'Nikolić', 'Marković', 'Đorđević', 'Stojanović', 'Ilić', 'Stanković', 'Pavlović', 'Živković'],
    places: [['Beograd', 'Grad Beograd'], ['Novi Sad', 'Južnobački'], ['Niš', 'Nišavski'], ['Kragujevac', 'Šumadijski'], ['Subotica', 'Severnobački'], ['Čačak', 'Moravički'], ['Kraljevo', 'Raški'], ['Užice', 'Zlatiborski']],
    streets: ['Knez Mihailova', 'Bulevar oslobođenja', 'Cara Dušana', 'Kralja Petra', 'Njegoševa', 'Vojvode Stepe', 'Gospodar Jevremova'],
    postcode: [11000, 38000],
    phone: '0##-####-###',
    cell: '06#-####-###',
    id: { name: 'SID', value: '#########' },
  },
  TR: {
    country: 'Turkey',
    male: ['Ömer', 'Çağan', 'Doğan', 'Şükrü', 'İbrahim', 'Yiğit', 'Güven', 'Erdoğan', 'Oğuz', 'Kağan'],
    female: ['Şeyma', 'Gülşen', 'Özge', 'İpek', 'Çiğdem', 'Ebru', 'Büşra', 'Nur', 'Gül', 'Sıla'],
    last: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan'],
    places: [['İstanbul', 'İstanbul'], ['Ankara', 'Ankara'], ['İzmir', 'İzmir'], ['Bursa', 'Bursa'], ['Antalya', 'Antalya'], ['Eskişehir', 'Eskişehir'], ['Şanlıurfa', 'Şanlıurfa'], ['Muğla', 'Muğla']],
    streets: ['Atatürk Sk', 'Kushimoto Sk', 'Bağdat Cd', 'İstiklal Cd', 'Necatibey Cd', 'Vatan Cd', 'Fatih Sk'],
    postcode: [10000, 99999],
    phone: '(###)-###-####',
    cell: '(###)-###-####',
    id: { name: '', value: null },
  },
  UA: {
    country: 'Ukraine',
    male: ['Віктор|Viktor', 'Богдан|Bogdan', 'Тарас|Taras', 'Олег|Oleg', 'Андрій|Andriy', 'Ярослав|Yaroslav', 'Мирослав|Miroslav', 'Остап|Ostap', 'Степан|Stepan', 'Юрій|Yuriy'],
    female: ['Оксана|Oksana', 'Ірина|Irina', 'Марія|Mariya', 'Соломія|Solomiya', 'Христина|Hristina', 'Ганна|Ganna', 'Леся|Lesya', 'Дарина|Darina', 'Зоряна|Zoryana', 'Єва|Yeva'],
    last: ['Шевченко|Shevchenko', 'Коваленко|Kovalenko', 'Бондаренко|Bondarenko', 'Ткаченко|Tkachenko', 'Кравчук|Kravchuk', 'Мельник|Melnik', 'Лисенко|Lisenko', 'Гребенюк|Grebenyuk', 'Руденко|Rudenko', 'Савчук|Savchuk'],
    places: [['Київ|Kiyiv', 'Київ|Kiyiv'], ['Львів|Lviv', 'Львівська|Lvivska'], ['Одеса|Odesa', 'Одеська|Odeska'], ['Харків|Harkiv', 'Харківська|Harkivska'], ['Дніпро|Dnipro', 'Дніпропетровська|Dnipropetrovska'], ['Чернігів|Chernigiv', 'Чернігівська|Chernigivska'], ['Ужгород|Uzhgorod', 'Закарпатська|Zakarpatska']],
    streets: ['Хрещатик|Hreshchatik', 'Садова|Sadova', 'Шкільна|Shkilna', 'Незалежності|Nezalezhnosti', 'Франка|Franka', 'Лесі Українки|Lesi Ukrayinki', 'Миру|Miru'],
    postcode: [1000, 99999],
    phone: '(0##) ###-####',
    cell: '(09#) ###-####',
    id: { name: '', value: null },
  },
  US: {
    country: 'United States',
    male: ['James', 'Michael', 'Robert', 'Dwayne', 'Terrence', 'Clifton', 'Gabriel', 'Marcus', 'Wyatt', 'Roberto'],
    female: ['Jennifer', 'Jessica', 'Ashley', 'Brittany', 'Tamara', 'Leah', 'Yolanda', 'Beatrice', 'Kaylee', 'Renée'],
    last: ['Smith', 'Johnson', 'Williams', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Washington', 'Nguyen'],
    places: [['Springfield', 'Illinois'], ['Austin', 'Texas'], ['Portland', 'Oregon'], ['Columbus', 'Ohio'], ['Savannah', 'Georgia'], ['Albuquerque', 'New Mexico'], ['Burlington', 'Vermont'], ['Des Moines', 'Iowa']],
    streets: ['Main St', 'Oak Lawn Ave', 'Pecan Acres Ln', 'W Dallas St', 'Hickory Creek Dr', 'Parker Rd', 'Valwood Pkwy'],
    postcode: [10000, 99999],
    phone: '(###) ###-####',
    cell: '(###) ###-####',
    id: { name: 'SSN', value: '###-##-####' },
  },
};

/** The real API's timezone list: offset and a few places that use it. */
export const TIMEZONES: readonly (readonly [string, string])[] = [
  ['-12:00', 'Eniwetok, Kwajalein'],
  ['-11:00', 'Midway Island, Samoa'],
  ['-10:00', 'Hawaii'],
  ['-9:00', 'Alaska'],
  ['-8:00', 'Pacific Time (US & Canada)'],
  ['-7:00', 'Mountain Time (US & Canada)'],
  ['-6:00', 'Central Time (US & Canada), Mexico City'],
  ['-5:00', 'Eastern Time (US & Canada), Bogota, Lima'],
  ['-4:00', 'Atlantic Time (Canada), Caracas, La Paz'],
  ['-3:30', 'Newfoundland'],
  ['-3:00', 'Brazil, Buenos Aires, Georgetown'],
  ['-2:00', 'Mid-Atlantic'],
  ['-1:00', 'Azores, Cape Verde Islands'],
  ['0:00', 'Western Europe Time, London, Lisbon, Casablanca'],
  ['+1:00', 'Brussels, Copenhagen, Madrid, Paris'],
  ['+2:00', 'Kaliningrad, South Africa'],
  ['+3:00', 'Baghdad, Riyadh, Moscow, St. Petersburg'],
  ['+3:30', 'Tehran'],
  ['+4:00', 'Abu Dhabi, Muscat, Baku, Tbilisi'],
  ['+4:30', 'Kabul'],
  ['+5:00', 'Ekaterinburg, Islamabad, Karachi, Tashkent'],
  ['+5:30', 'Bombay, Calcutta, Madras, New Delhi'],
  ['+5:45', 'Kathmandu'],
  ['+6:00', 'Almaty, Dhaka, Colombo'],
  ['+7:00', 'Bangkok, Hanoi, Jakarta'],
  ['+8:00', 'Beijing, Perth, Singapore, Hong Kong'],
  ['+9:00', 'Tokyo, Seoul, Osaka, Sapporo, Yakutsk'],
  ['+9:30', 'Adelaide, Darwin'],
  ['+10:00', 'Eastern Australia, Guam, Vladivostok'],
  ['+11:00', 'Magadan, Solomon Islands, New Caledonia'],
  ['+12:00', 'Auckland, Wellington, Fiji, Kamchatka'],
];

/** Word pieces for usernames (`adjective` + `animal` + 3 digits, like the real API). */
export const USERNAME_ADJECTIVES = [
  'angry', 'big', 'black', 'blue', 'brown', 'crazy', 'golden', 'green', 'happy', 'heavy', 'lazy',
  'orange', 'organic', 'purple', 'red', 'sad', 'silver', 'small', 'tiny', 'white', 'yellow',
] as const;
export const USERNAME_ANIMALS = [
  'bear', 'bird', 'butterfly', 'cat', 'dog', 'duck', 'elephant', 'fish', 'frog', 'goose', 'gorilla',
  'koala', 'leopard', 'lion', 'ladybug', 'meercat', 'monkey', 'owl', 'panda', 'peacock', 'rabbit',
  'snake', 'swan', 'tiger', 'wolf', 'zebra',
] as const;

/** Weak passwords, as the real API hands out. */
export const PASSWORDS = [
  'password', 'letmein', 'sunshine', 'dragon', 'monkey', 'shadow', 'master', 'qwerty', 'freedom',
  'whatever', 'trustno1', 'football', 'baseball', 'pepper', 'ginger', 'cookie', 'summer', 'winter',
  'hunter', 'tigger', 'batman', 'blondie', 'chelsea', 'dolphin', 'gandalf', 'matrix', 'mustang',
  'nascar', 'phoenix', 'raiders', 'scooter', 'snoopy', 'thunder', 'voodoo', 'warrior', 'yankees',
] as const;
