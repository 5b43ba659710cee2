/**
 * Town-hall coordinates of the largest communes (and of the ones our professionals work from), by INSEE
 * commune code, compiled from public references. The offline geocoder answers CITY with these; every code is
 * checked against the official commune list (codes-postaux) by a test.
 */
export const CITY_CENTRES: Readonly<Record<string, { name: string; latitude: number; longitude: number }>> = {
  '75056': { name: 'Paris', latitude: 48.8566, longitude: 2.3522 },
  '13055': { name: 'Marseille', latitude: 43.2965, longitude: 5.3698 },
  '69123': { name: 'Lyon', latitude: 45.764, longitude: 4.8357 },
  '31555': { name: 'Toulouse', latitude: 43.6047, longitude: 1.4442 },
  '06088': { name: 'Nice', latitude: 43.7102, longitude: 7.262 },
  '44109': { name: 'Nantes', latitude: 47.2184, longitude: -1.5536 },
  '34172': { name: 'Montpellier', latitude: 43.6108, longitude: 3.8767 },
  '67482': { name: 'Strasbourg', latitude: 48.5734, longitude: 7.7521 },
  '33063': { name: 'Bordeaux', latitude: 44.8378, longitude: -0.5792 },
  '59350': { name: 'Lille', latitude: 50.6292, longitude: 3.0573 },
  '35238': { name: 'Rennes', latitude: 48.1173, longitude: -1.6778 },
  '51454': { name: 'Reims', latitude: 49.2583, longitude: 4.0317 },
  '42218': { name: 'Saint-Étienne', latitude: 45.4397, longitude: 4.3872 },
  '83137': { name: 'Toulon', latitude: 43.1242, longitude: 5.928 },
  '76351': { name: 'Le Havre', latitude: 49.4944, longitude: 0.1079 },
  '38185': { name: 'Grenoble', latitude: 45.1885, longitude: 5.7245 },
  '21231': { name: 'Dijon', latitude: 47.322, longitude: 5.0415 },
  '49007': { name: 'Angers', latitude: 47.4784, longitude: -0.5632 },
  '30189': { name: 'Nîmes', latitude: 43.8367, longitude: 4.3601 },
  '69266': { name: 'Villeurbanne', latitude: 45.7719, longitude: 4.8902 },
  '63113': { name: 'Clermont-Ferrand', latitude: 45.7772, longitude: 3.087 },
  '72181': { name: 'Le Mans', latitude: 48.0061, longitude: 0.1996 },
  '13001': { name: 'Aix-en-Provence', latitude: 43.5297, longitude: 5.4474 },
  '29019': { name: 'Brest', latitude: 48.3904, longitude: -4.4861 },
  '37261': { name: 'Tours', latitude: 47.3941, longitude: 0.6848 },
  '80021': { name: 'Amiens', latitude: 49.8941, longitude: 2.2958 },
  '87085': { name: 'Limoges', latitude: 45.8336, longitude: 1.2611 },
  '74010': { name: 'Annecy', latitude: 45.8992, longitude: 6.1294 },
  '66136': { name: 'Perpignan', latitude: 42.6887, longitude: 2.8948 },
  '92012': { name: 'Boulogne-Billancourt', latitude: 48.8397, longitude: 2.2399 },
  '57463': { name: 'Metz', latitude: 49.1193, longitude: 6.1757 },
  '25056': { name: 'Besançon', latitude: 47.2378, longitude: 6.0241 },
  '45234': { name: 'Orléans', latitude: 47.903, longitude: 1.9093 },
  '93066': { name: 'Saint-Denis', latitude: 48.9362, longitude: 2.3574 },
  '95018': { name: 'Argenteuil', latitude: 48.9472, longitude: 2.2467 },
  '76540': { name: 'Rouen', latitude: 49.4432, longitude: 1.0999 },
  '68224': { name: 'Mulhouse', latitude: 47.7508, longitude: 7.3359 },
  '54395': { name: 'Nancy', latitude: 48.6921, longitude: 6.1844 },
  '93048': { name: 'Montreuil', latitude: 48.8638, longitude: 2.4485 },
  '14118': { name: 'Caen', latitude: 49.1829, longitude: -0.3707 },
  '59512': { name: 'Roubaix', latitude: 50.6942, longitude: 3.1746 },
  '59599': { name: 'Tourcoing', latitude: 50.7239, longitude: 3.1612 },
  '86194': { name: 'Poitiers', latitude: 46.5802, longitude: 0.3404 },
  '64445': { name: 'Pau', latitude: 43.2951, longitude: -0.3708 },
  '17300': { name: 'La Rochelle', latitude: 46.1603, longitude: -1.1511 },
  '78646': { name: 'Versailles', latitude: 48.8049, longitude: 2.1204 },
  '94028': { name: 'Créteil', latitude: 48.7904, longitude: 2.4556 },
  '84007': { name: 'Avignon', latitude: 43.9493, longitude: 4.8055 },
  '33281': { name: 'Mérignac', latitude: 44.8386, longitude: -0.6436 },
  '44184': { name: 'Saint-Nazaire', latitude: 47.2735, longitude: -2.2138 },
  '62041': { name: 'Arras', latitude: 50.291, longitude: 2.7775 },
  '59009': { name: "Villeneuve-d'Ascq", latitude: 50.6233, longitude: 3.145 },
};

/** Paris, Lyon and Marseille are split into arrondissements with codes of their own; they share the city's centre. */
export const cityCodeOf = (communeCode: string): string => {
  if (/^751(0[1-9]|1\d|20)$/.test(communeCode)) return '75056';
  if (/^6938[1-9]$/.test(communeCode)) return '69123';
  if (/^132(0[1-9]|1[0-6])$/.test(communeCode)) return '13055';
  return communeCode;
};
